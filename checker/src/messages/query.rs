//! The evaluator's answers in words: `koujing query` and `koujing test`.

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};

messages! {
    /// A text of `koujing query` and `koujing test`.
    QueryMsg {
        // What the evaluator refuses.
        ListSeparator("、", ", ");
        Overflow("`{what}` 的计算超出数值范围(约 7.9×10²⁸)", "computing `{what}` exceeds the number range (about 7.9e28)");
        UnknownChannel("未知渠道 `{channel}`;可选:{valid}", "unknown channel `{channel}`; valid: {valid}");
        UnknownDimension("未知维度 `{name}`;可选:{valid}", "unknown dimension `{name}`; valid: {valid}");
        NotAValue("`{value}` 不是维度 `{name}` 的取值;可选:{valid}", "`{value}` is not a value of `{name}`; valid: {valid}");
        NotANumber("维度 `{name}` 需要数字,不是 `{value}`", "dimension `{name}` takes a number, not `{value}`");
        UnknownRegion("未知地区 `{region}`;可选:{valid}", "unknown region `{region}`; valid: {valid}");
        NotACounty("`{region}` 不是区县;客户所在的区县是:{valid}", "`{region}` is not a county; a customer is in one of: {valid}");
        UnknownGrade("未知等级 `{grade}`;可选:{valid}", "unknown grade `{grade}`; valid: {valid}");
        UnknownModel("未知分级模型 `{model}`;可选:{valid}", "unknown grading model `{model}`; valid: {valid}");
        NoSuchFactor("`{model}` 没有因子 `{name}`;可评分的因子:{valid}", "`{model}` has no factor `{name}`; scored factors: {valid}");
        ScoreOutOfRange("`{name}` 的得分应在 0–100 之间", "the score of `{name}` must be within 0–100");
        MissingScores("缺少因子得分:{valid}", "missing factor scores: {valid}");
        UnknownMix("未知酬金结构 `{name}`;可选:{valid}", "unknown mix `{name}`; valid: {valid}");
        NoReferenceCase("酬金结构 `{name}` 没有参考案例(reference)", "mix `{name}` has no reference case");
        // koujing test.
        TestSummary("{passed} 个通过,{failed} 个失败", "{passed} passed, {failed} failed");
        Missing("缺少", "missing");
        Unexpected("多出", "unexpected");
        // koujing query offers.
        NoCampaignApplies("没有适用的活动", "no campaign applies");
        FinalPrice(" · 到手价 {price}", " · final price {price}");
        CombinesWith("可叠加:", "combines with:");
        AlsoDependsOn("还取决于:", "also depends on:");
        // koujing query commission.
        PartsAdded("各项相加", "parts added");
        NetCost(
            "{product}:卡面值 {face},进货价 {supply},首返 {first_return},代理商净成本 {net}",
            "{product}: face value {face}, supply price {supply}, first-return {first_return}, agent's net cost {net}"
        );
        NoRowMatches("没有匹配的规则", "no row matches");
        // koujing query grade.
        Score("得分", "score");
        // koujing query mix.
        MixReferenceCase("参考案例,容差 {tolerance} 个百分点", "reference case, tolerance {tolerance} points");
        MixKind(
            "  {mark} {kind} 合计 {total} 元,占 {share}%(声明 {declared}%)",
            "  {mark} {kind} total {total} 元, {share}% (declared {declared}%)"
        );
    }
}
