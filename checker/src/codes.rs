//! The one registry of diagnostic codes (docs/reference/diagnostics.md is
//! generated from it).
//!
//! Every code exists here and only here: its kebab-case name, its default
//! severity, its one-line message templates in zh-CN and en (with `{arg}`
//! placeholders), and its long explanation, kept as `docs/codes/KJxxxx.md`
//! beside this crate and included at compile time. A misspelled code is a
//! compile error (biome's `define_categories!`, ruff's `codes.rs`).

use serde::Serialize;

use crate::diagnostic::Lang;
use std::fmt;
use std::str::FromStr;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Everything the registry knows about one code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary_zh: &'static str,
    pub summary_en: &'static str,
    pub message_zh: &'static str,
    pub message_en: &'static str,
    pub explanation: &'static str,
}

impl CodeInfo {
    /// The one-line summary in one language.
    pub fn summary(&self, lang: Lang) -> &'static str {
        lang.pick(self.summary_zh, self.summary_en)
    }
}

macro_rules! codes {
    ($( $code:ident $name:literal $severity:ident
        summary($szh:literal, $sen:literal)
        message($mzh:literal, $men:literal); )*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code),* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $(Code::$code => {
                        static INFO: CodeInfo = CodeInfo {
                            code: stringify!($code),
                            name: $name,
                            severity: Severity::$severity,
                            summary_zh: $szh,
                            summary_en: $sen,
                            message_zh: $mzh,
                            message_en: $men,
                            explanation: include_str!(concat!("../docs/codes/", stringify!($code), ".md")),
                        };
                        &INFO
                    })*
                }
            }
        }
    };
}

codes! {
    KJ0001 "syntax-error" Error
        summary("语法错误", "syntax error")
        message("语法错误:应为{expected},实际为{found}", "syntax error: expected {expected}, found {found}");
    KJ0002 "typographic-quotes" Error
        summary("用排版引号作字符串定界符", "typographic quotes used as string delimiters")
        message("排版引号 {quote} 不能作字符串定界符", "typographic quotes {quote} are not string delimiters");
    KJ0003 "full-width-punctuation" Warning
        summary("字符串外的全角标点", "full-width punctuation outside a string")
        message("字符串外的全角标点 `{char}` 按 `{twin}` 处理", "full-width `{char}` outside a string is read as `{twin}`");
    KJ0004 "unterminated" Error
        summary("未结束的字符串或注释", "unterminated string or comment")
        message("未结束的{what}:缺少结尾的 `\"`", "unterminated {what}: the closing `\"` is missing");
    KJ0005 "input-limit" Error
        summary("超出输入限制", "input limit exceeded")
        message("超出输入限制:{what}超过 {limit}", "input limit exceeded: {what} over {limit}");
    KJ0006 "ineffective-suppression" Warning
        summary("无效的 koujing: allow 抑制", "ineffective `koujing: allow` suppression")
        message("无效的抑制:{reason}", "ineffective suppression: {reason}");
    KJ1001 "unknown-reference" Error
        summary("未知引用", "unknown reference")
        message("未知的{kind} `{name}`", "unknown {kind} `{name}`");
    KJ1002 "duplicate-name" Error
        summary("同类条目重名", "duplicate item name")
        message("{kind} `{name}` 重复定义", "duplicate {kind} `{name}`");
    KJ1003 "wrong-kind" Error
        summary("引用了错误类别的条目", "reference to an item of the wrong kind")
        message("`{name}` 是{found},此处需要{expected}", "`{name}` is {found}, but {expected} is expected here");
    KJ1004 "empty-range" Error
        summary("空区间或反向区间", "empty or reversed range")
        message("空区间或反向区间:{reason}", "empty or reversed range: {reason}");
    KJ1005 "unit-mismatch" Error
        summary("单位或类型不符", "unit mismatch")
        message("单位或类型不符:应为{expected},实际为{found}", "unit mismatch: expected {expected}, found {found}");
    KJ1006 "missing-field" Error
        summary("缺少必填字段", "required field missing")
        message("{item} 缺少必填字段 `{field}`", "{item} is missing the required field `{field}`");
    KJ1007 "unknown-field" Error
        summary("未知字段", "unknown field")
        message("{item} 没有字段 `{field}`", "unknown field `{field}` in {item}");
    KJ1008 "out-of-range" Error
        summary("取值超出范围", "value out of range")
        message("取值 `{value}` 超出范围:{range}", "value `{value}` out of range: {range}");
    KJ1009 "unknown-audience-value" Error
        summary("受众取值不在维度取值中", "audience value not among the dimension's values")
        message("`{value}` 不是维度 `{dimension}` 的取值({values})", "`{value}` is not a value of dimension `{dimension}` ({values})");
    KJ1010 "impossible-date" Error
        summary("不存在的日期", "impossible date")
        message("不存在的日期 {date}", "impossible date {date}");
    KJ2001 "campaign-conflict" Error
        summary("营销活动冲突", "conflicting campaigns")
        message("活动 `{campaign}` 与 `{other}` 冲突:{witness}", "campaigns `{campaign}` and `{other}` conflict: {witness}");
    KJ2002 "campaign-clustering" Warning
        summary("营销活动扎堆", "too many campaigns at once in one place")
        message("营销活动扎堆:`{campaign}` 使同时开展的活动超过上限 {max}(最多 {count} 个);{lanes};日期 {days}{rest}", "`{campaign}` is one campaign too many: up to {count} at once, above the limit of {max}; {lanes}; dates {days}{rest}");
    KJ2003 "province-city-overlap" Warning
        summary("地市活动与省公司活动重叠但未声明 extends", "city campaign overlaps a province campaign without `extends`")
        message("地市活动 `{campaign}` 与省公司活动 `{other}` 同一产品重叠,但未声明 extends", "city campaign `{campaign}` overlaps province campaign `{other}` on the same offer without `extends`");
    KJ2004 "one-sided-stacking" Error
        summary("单方面叠加", "one-sided stacking")
        message("`{campaign}` 允许与 `{other}` 叠加,但 `{other}` 不允许与 `{campaign}` 叠加", "`{campaign}` stacks with `{other}`, but `{other}` does not allow `{campaign}`");
    KJ2101 "commission-overlap" Error
        summary("酬金规则重叠且结果不同", "commission rows overlap with different outputs")
        message("费率行与 {other} 对同一输入给出不同结果({output} 与 {other_output}):{input}", "rate row and {other} match the same input with different outputs ({output} vs {other_output}): {input}");
    KJ2102 "commission-gap" Warning
        summary("酬金规则覆盖缺口", "commission coverage gap")
        message("酬金表 `{table}` 的费率行未覆盖:{gaps}", "the rows of commission table `{table}` leave uncovered: {gaps}");
    KJ2103 "commission-redundant" Warning
        summary("冗余的酬金规则", "redundant commission rows")
        message("费率行与 {other} 重叠且结果相同({output})", "rate row overlaps {other} with the same output ({output})");
    KJ2104 "regional-table-overlap" Warning
        summary("地区酬金表与范围更大的同类酬金表重叠但未声明 overrides", "a regional commission table overlaps a wider table of the same kind without `overrides`")
        message("酬金表 `{table}`({regions})位于 `{wider}`({wider_regions})的范围内,同为 {kind},但未声明 `overrides: {wider}`", "commission table `{table}` ({regions}) lies within `{wider}` ({wider_regions}), both {kind}, without `overrides: {wider}`");
    KJ3001 "wording-contradicts-benefit" Error
        summary("文案与优惠不符", "customer text contradicts the benefit")
        message("文案写“{quote}”({implies}),但{actual}", "the text says “{quote}” ({implies}), but {actual}");
    KJ3002 "wording-contradicts-window" Error
        summary("文案日期与活动时间不符", "customer text contradicts the window")
        message("文案写“{quote}”(即 {date}),但活动{which}为 {expected}", "the text says “{quote}” ({date}), but the window {which} is {expected}");
    KJ3003 "inconsistent-answer" Warning
        summary("同一问题口径不一致", "the same question answered differently")
        message("问题“{question}”的回答与 {other} 不一致(口径不一致)", "the question “{question}” is answered differently in {other}");
    KJ3004 "wording-contradicts-gift" Error
        summary("文案赠送与优惠不符", "customer text contradicts the gift, bonus or points")
        message("文案写“{quote}”({implies}),但 benefit 为 {actual}", "the text says “{quote}” ({implies}), but the benefit is {actual}");
    KJ4001 "missing-support" Error
        summary("渠道缺少必需的支撑", "a campaign channel lacks a required kind of support")
        message("渠道 `{channel}` 缺少 {kind} 类支撑", "channel `{channel}` has no support of kind {kind}");
    KJ4002 "support-not-ready" Error
        summary("支撑未按时到位", "a required support is not ready in time")
        message("支撑 `{support}` 实际就绪日 {ready} 晚于 {deadline}(活动 {start} 开始,需提前 {lead})", "support `{support}` is effectively ready on {ready}, after {deadline} (the campaign starts {start}, lead {lead})");
    KJ4003 "channel-cannot-handle" Error
        summary("渠道不能办理该类产品", "a channel cannot handle the offer's product kind")
        message("渠道 `{channel}` 不能办理 {kind} 类产品 `{product}`", "channel `{channel}` cannot handle `{product}` of kind {kind}");
    KJ4004 "support-cycle" Error
        summary("支撑依赖成环", "cycle in support `requires`")
        message("支撑依赖成环:{cycle}", "cycle in support requires: {cycle}");
    KJ4005 "support-ends-early" Error
        summary("支撑早于活动结束", "a required support ends before the campaign")
        message("支撑 `{support}` 于 {until} 结束,早于活动结束日 {end}", "support `{support}` ends on {until}, before the campaign ends on {end}");
    KJ5001 "jargon-without-faq" Warning
        summary("术语没有 FAQ 解释", "jargon without an FAQ entry")
        message("客户文案中的术语“{term}”没有 FAQ 解释", "jargon “{term}” in customer text has no FAQ entry that covers it");
    KJ5002 "campaign-without-faq" Warning
        summary("活动没有附加 FAQ", "campaign has no FAQ")
        message("活动 `{campaign}` 没有附加 FAQ", "campaign `{campaign}` has no FAQ");
    KJ5003 "probable-jargon" Info
        summary("疑似术语(未知英文缩写)", "probable jargon (an unknown ASCII acronym)")
        message("客户文案中的 `{token}` 疑似术语,请在术语表中说明", "`{token}` in customer text looks like jargon; explain it in the glossary");
    KJ5004 "jargon-in-explanation" Warning
        summary("术语解释本身使用了术语", "a glossary explanation uses jargon")
        message("术语 `{term}` 的解释中使用了术语“{used}”", "the explanation of `{term}` itself uses the jargon “{used}”");
    KJ6001 "first-return-over-face-value" Error
        summary("首返不低于卡面值(养卡/洗号风险)", "first-return at or above face value")
        message("首返 {amount} 不低于 `{product}` 的卡面值 {face}(养卡/洗号风险)", "first-return {amount} is at or above the face value {face} of `{product}` (card farming risk)");
    KJ6002 "mix-not-100" Error
        summary("酬金结构占比合计不为 100%", "`mix` shares do not add up to 100%")
        message("`{mix}` 的占比合计 {sum},应为 100%", "the shares of `{mix}` add up to {sum}, not 100%");
    KJ6003 "revenue-share-falls" Warning
        summary("话费分成随在网时长下降", "revenue share falls as tenure rises")
        message("酬金随在网时长下降:{detail}(应阶梯形增高)", "commission falls as tenure rises: {detail}");
    KJ6004 "higher-grade-earns-less" Warning
        summary("高等级网点酬金低于低等级", "a higher grade earns less than a lower grade")
        message("等级越高酬金应越高,但 {detail}", "a higher grade earns less: {detail}");
    KJ6005 "first-return-over-ratio" Warning
        summary("首返超过卡面值的上限比例", "first-return above `max_first_return_ratio` of face value")
        message("首返 {amount} 为 `{product}` 卡面值 {face} 的 {ratio},超过上限 {limit}", "first-return {amount} is {ratio} of the face value {face} of `{product}`, above the limit of {limit}");
    KJ6006 "commission-not-eligible" Error
        summary("酬金支付给审查限制不允许的渠道或等级", "a commission table pays a kind to a channel or grade that `limits` does not make eligible")
        message("酬金表 `{table}` 向{target}支付 {kind},但审查限制只允许{allowed}", "commission table `{table}` pays {kind} to {target}, but `limits` makes only {allowed} eligible");
    KJ6007 "pay-rises-with-penalty" Warning
        summary("酬金随越低越好的维度上升", "pay rises as a `lower_better` dimension rises")
        message("`{dimension}` 越低越好,但酬金随其上升:{detail}", "`{dimension}` is lower_better, but pay rises with it: {detail}");
    KJ6008 "mix-reference-off" Warning
        summary("酬金表在参考案例下达不到 mix 声明的占比", "the tables do not produce the `mix` shares for its reference case")
        message("`{mix}` 参考案例中 {kind} 占 {computed},声明为 {declared}(容差 {tolerance} 个百分点);{totals}", "for the reference case of `{mix}`, {kind} is {computed} of the pay, declared {declared} (tolerance {tolerance} points); {totals}");
    KJ7001 "weights-not-100" Error
        summary("同级因子权重合计不为 100%", "sibling factor weights do not add up to 100%")
        message("{parent} 下的因子权重合计 {sum},应为 100%", "factor weights under {parent} add up to {sum}, not 100%");
    KJ7002 "grade-bands-overlap" Error
        summary("等级区间重叠", "grade bands overlap")
        message("等级 `{grade}` {band} 与 `{other}` {other_band} 重叠", "grade `{grade}` {band} overlaps `{other}` {other_band}");
    KJ7003 "grade-bands-gap" Error
        summary("等级区间未覆盖 [0, 100]", "grade bands leave part of [0, 100] uncovered")
        message("`{model}` 的等级区间未覆盖 {gaps}", "the grade bands of `{model}` leave {gaps} uncovered");
    KJ7004 "penalty-factor-without-direction" Info
        summary("扣分类因子未声明 direction", "a penalty-like factor has no `direction`")
        message("因子 `{factor}` 读作扣分项(“{word}”),但没有声明 `direction`;按原样计分时分数越高越好", "factor `{factor}` reads as a penalty (“{word}”) but has no `direction`; as written, a higher input scores better");
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// Fill a message template in one language.
    pub fn format(self, lang: Lang, args: &[(&'static str, koujing_grammar::Arg)]) -> String {
        let info = self.info();
        let template = lang.pick(info.message_zh, info.message_en);
        fill(template, lang.is_zh(), args)
    }
}

/// Replace every `{name}` in `template` with the argument of that name.
pub fn fill(template: &str, zh: bool, args: &[(&'static str, koujing_grammar::Arg)]) -> String {
    fill_with(template, |name, out| {
        args.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| out.push_str(value.get(zh)))
            .is_some()
    })
}

/// Replace every `{name}` in `template` with what `value(name, out)`
/// appends to `out` (it returns `false`, appending nothing, for a name it
/// has no value for: that name stays as written). The one template filler
/// of diagnostics and the message catalogue; values are written straight
/// into the result, with no string of their own.
pub fn fill_with(template: &str, value: impl Fn(&str, &mut String) -> bool) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let close = after.find('}');
        match close {
            Some(close) => {
                let name = after.get(1..close).unwrap_or_default();
                if !value(name, &mut out) {
                    out.push_str(after.get(..=close).unwrap_or_default());
                }
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Code {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == upper)
            .ok_or(())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explanation_with_examples() {
        for code in Code::ALL {
            let text = code.info().explanation;
            assert!(
                text.starts_with(&format!("# {code}")),
                "{code} explanation must start with its code"
            );
            assert!(
                text.contains("```koujing"),
                "{code} explanation needs examples"
            );
            assert!(
                text.matches("```koujing").count() >= 2,
                "{code} needs a failing and a passing example"
            );
        }
    }

    #[test]
    fn codes_match_the_spec_table() {
        let spec = include_str!("../../docs/spec-codes.txt");
        let listed: Vec<&str> = spec.lines().filter(|l| !l.is_empty()).collect();
        let ours: Vec<String> = Code::ALL
            .iter()
            .map(|c| format!("{} {}", c.as_str(), c.default_severity().as_str()))
            .collect();
        assert_eq!(listed, ours);
    }

    #[test]
    fn fill_replaces_named_arguments() {
        let args = [
            ("name", koujing_grammar::Arg::plain("抚州")),
            ("kind", koujing_grammar::Arg::text("地区", "region")),
        ];
        assert_eq!(Code::KJ1001.format(Lang::Zh, &args), "未知的地区 `抚州`");
        assert_eq!(
            Code::KJ1001.format(Lang::En, &args),
            "unknown region `抚州`"
        );
    }
}
