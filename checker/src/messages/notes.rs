//! The notes a finding carries beside its message (the message itself is
//! the registry's template, `codes.rs`): where the other side is, how to
//! fix it, the titles of its automatic fixes, and the words of arguments
//! that differ by language.

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};

messages! {
    /// A note, help or fix title of a finding.
    NoteMsg {
        // Encoding (KJ0001).
        Utf8Text("UTF-8 编码的文本", "UTF-8 text");
        InvalidUtf8At("第 {at} 字节处的无效 UTF-8", "invalid UTF-8 at byte {at}");
        // Suppressions (KJ0006).
        AllowUnreadable("无法解析:{why}", "cannot be read: {why}");
        AllowExpectedAllow("应为 `allow(...)`", "expected `allow(...)`");
        AllowExpectedParen("allow 后应为 `(`", "expected `(` after allow");
        AllowMissingParen("缺少 `)`", "missing `)`");
        AllowNoCode("allow() 中没有代码", "no code in allow()");
        AllowReasonUnquoted("reason 应加引号", "reason must be quoted");
        AllowReasonUnterminated("reason 缺少结尾的引号", "unterminated reason");
        AllowUntilNotDate("until 应为日期 YYYY-MM-DD", "until must be a date YYYY-MM-DD");
        AllowExpectedReasonOrUntil("应为 reason=\"…\" 或 until=YYYY-MM-DD", "expected reason=\"…\" or until=YYYY-MM-DD");
        AllowOwnLine("抑制注释应单独成行,写在条目或字段的前一行", "an allow must stand on its own line before an item or a field");
        AllowNoReason(
            "缺少 reason=\"…\",CI 要求说明理由(--require-reason),不予生效",
            "no reason=\"…\" given; CI requires one (--require-reason), so it does not apply"
        );
        AllowExpired("已于 {until} 过期,不再生效", "expired on {until}; it no longer applies");
        AllowUnknownCode("未知的诊断代码 `{code}`", "unknown code `{code}`");
        AllowUnused("allow({code}) 没有抑制任何诊断", "allow({code}) silences nothing");
        // Words inside arguments.
        ListSeparator("、", ", ");
        ClauseSeparator(";", "; ");
        // Campaigns (KJ2xxx).
        BothApply("在 {cell} 两个活动同时适用,且不能叠加", "both apply at {cell} and they may not stack");
        Lane("地区 {regions},渠道 {channels}", "regions {regions} on channels {channels}");
        MoreConcurrent(";另有 {rest} 个同时开展的活动未列出", "; {rest} more concurrent campaigns are not listed");
        OtherCampaignHere("另一个活动定义于此", "the other campaign is defined here");
        SeparateOrStack(
            "错开时间、地区、渠道或受众;若可以同时享受,两个活动都写 `stacking: stackable` 或互相列入 `with [...]`",
            "separate the windows, regions, channels or audiences; if both may apply, declare `stacking: stackable` on both or list each other in `with [...]`"
        );
        ExtendsHelp(
            "若 `{city}` 是省公司活动的地市细化,在其中写 `extends: {province}`",
            "if `{city}` refines the province campaign, add `extends: {province}` to it"
        );
        AddExtends("添加 extends: {province}", "add extends: {province}");
        ListInStacking(
            "在 `{other}` 的 stacking 中列入 `{name}`,或从 `{name}` 的 with 中删去它",
            "list `{name}` in the stacking of `{other}`, or remove it from the `with` of `{name}`"
        );
        ConcurrentCampaign("同时开展的活动 `{name}`", "concurrent campaign `{name}`");
        SpreadCampaigns(
            "错开活动时间或渠道,或经省公司批准后用 `// koujing: allow(KJ2002) reason=\"…\"` 说明",
            "spread the campaigns over time or channels, or, with the province's approval, record it with `// koujing: allow(KJ2002) reason=\"…\"`"
        );
        // Supports (KJ4xxx).
        Weeks("{n} 周", "{n} weeks");
        Months("{n} 个月", "{n} months");
        Days("{n} 天", "{n} days");
        OpenEnded("(长期)", "(open-ended)");
        AddSupport(
            "在 requires 中加入一个服务于 `{channel}` 的 {kind} 类支撑",
            "add a support of kind {kind} that serves `{channel}` to `requires`"
        );
        RequiresReadyLate("它依赖的 `{name}` 到 {ready} 才就绪", "it requires `{name}`, ready only on {ready}");
        SupportLastDay("支撑的结束日", "the support's last day");
        Requires("`{a}` 依赖 `{b}`", "`{a}` requires `{b}`");
        // Wording and jargon (KJ3xxx, KJ5xxx): what a text says, what the fields say.
        SaidDiscount("优惠 {percent}%", "a {percent}% discount");
        ZheSuffix("(即{zhe})", " ({zhe})");
        BenefitIsDiscount("benefit 为 discount {percent}%{zhe}", "benefit is discount {percent}%{zhe}");
        SaidDiscountPrice("优惠 {percent}%,即价格 {price}", "a {percent}% discount, a price of {price}");
        SaidPrice("价格 {price}", "a price of {price}");
        SaidSaving("节省 {saving}", "a saving of {saving}");
        FieldsSaving("按字段计算节省 {saving}(原价 {list})", "the fields give a saving of {saving} (list price {list})");
        SaidListPrice("原价 {price}", "a list price of {price}");
        ProductPrice("产品价格为 {price}", "the product's price is {price}");
        SaidThreshold("满 {spend} 元减 {off} 元", "{off} off a spend of {spend} 元");
        FieldsOff("按字段计算应减 {off} 元", "the fields give {off} off");
        FieldsFinalPrice("按字段计算最终价格为 {price}", "the fields give a final price of {price}");
        StartDay("开始日", "start");
        EndDay("结束日", "end");
        SaidGift("赠送 {value} 元", "a gift of {value} 元");
        GiftWorth("gift \"{gift}\"(价值 {value} 元)", "gift \"{gift}\" (worth {value} 元)");
        SaidBonus("赠送 {value} {unit}", "a bonus of {value} {unit}");
        SaidPoints("积分 {times} 倍", "points ×{times}");
        OtherAnswer("`{owner}` 的回答:“{answer}”", "the answer in `{owner}`: “{answer}”");
        ChangeTo("改为“{replacement}”", "change to “{replacement}”");
        PlainWords("换成客户能懂的说法", "say it in words a customer knows");
        AddToGlossary("在术语表中添加 `{token}`", "add `{token}` to the glossary");
        AddFaq("添加 FAQ:“什么是{name}?”", "add an FAQ entry “什么是{name}?”");
        // Commission and grading (KJ21xx, KJ6xxx, KJ7xxx).
        TableRow("`{table}` 第 {row} 行", "row {row} of `{table}`");
        AnyInput("任意输入", "any input");
        AndMore(";另有 {more} 处", "; and {more} more");
        MixTotals("合计 {totals}", "totals {totals}");
        MixUnpaid(";无匹配费率行:{kinds}", "; no matching row: {kinds}");
        ChannelTarget("渠道 `{channel}`", "channel `{channel}`");
        ChannelsAllowed("渠道 [{channels}]", "channels [{channels}]");
        GradesTarget("等级 {grades}", "grades {grades}");
        AndAbove("{min} 及以上", "{min} and above");
        PaysMore("{high} 为 {high_pays},高于 {low} 的 {low_pays}", "{high} pays {high_pays}, more than {low} at {low_pays}");
        PaysLess("{high} 为 {high_pays},低于 {low} 的 {low_pays}", "{high} pays {high_pays}, less than {low} at {low_pays}");
        IsHere("{what} 在此", "{what} is here");
        WiderTableHere("范围更大的酬金表在此", "the wider table is here");
        AddOverrides("加上 `overrides: {table}`", "add `overrides: {table}`");
        LowerTierHere("较低一档在此", "the lower tier is here");
        ReferenceCaseHere("参考案例在此", "the reference case is here");
        OverlappingGradeHere("重叠的等级在此", "the overlapping grade is here");
        AddLowerBetter("加上 `direction: lower_better`", "add `direction: lower_better`");
    }
}

impl NoteMsg {
    /// The message as a diagnostic argument, in both languages.
    pub fn arg(self, args: &[(&str, &dyn Display)]) -> koujing_grammar::Arg {
        self.text(args).into()
    }

    /// The message with its `{name}` filled by `items`, listed as each
    /// language lists things.
    pub fn with_list<S: AsRef<str>>(self, name: &str, items: &[S]) -> LocalText {
        let list = NoteMsg::join(items, NoteMsg::ListSeparator);
        LocalText::from_fn(|lang| self.get(lang, &[(name, &list.get(lang))]))
    }

    /// Items joined as each language lists them (`a、b` / `a, b`), or by
    /// `separator` (a message such as [`NoteMsg::ClauseSeparator`]).
    pub fn join<S: AsRef<str>>(items: &[S], separator: NoteMsg) -> LocalText {
        LocalText::from_fn(|lang| {
            items
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<&str>>()
                .join(separator.template(lang))
        })
    }

    /// A list as a diagnostic argument (`a、b` / `a, b`).
    pub fn list_arg<S: AsRef<str>>(items: &[S]) -> koujing_grammar::Arg {
        NoteMsg::join(items, NoteMsg::ListSeparator).into()
    }

    /// An automatic fix titled by this message.
    pub fn fix(
        self,
        args: &[(&str, &dyn Display)],
        edits: Vec<koujing_grammar::Edit>,
    ) -> koujing_grammar::Fix {
        let title = self.text(args);
        koujing_grammar::Fix {
            zh: title.zh,
            en: title.en,
            edits,
        }
    }
}
