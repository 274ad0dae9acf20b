//! The reviewer report's text (`koujing report`), grouped by the section
//! that shows it.

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};

messages! {
    /// A text of the HTML reviewer report.
    ReportMsg {
        // The campaign cards.
        BenefitDiscount("优惠 {off}%(客户付原价的 {pays}%)", "{off}% off (the customer pays {pays}% of the price)");
        BenefitPrice("特价 {price}", "special price {price}");
        BenefitGift("赠送:{gift}", "gift: {gift}");
        BenefitBonus("加送 {bonus}", "bonus {bonus}");
        BenefitPoints("积分 ×{times}", "points ×{times}");
        CampaignCards("活动卡片", "Campaign cards");
        OtherCampaignsHeading("其余活动(一行一个)", "Other campaigns (one row each)");
        DenseListingLegend(
            "活动超过 2000 个时,不属于本次提交、没有错误、文案和 FAQ 中也没有发现的活动以一行列出;行末链接到它的发现(如扎堆警告,见负荷图)。",
            "Above 2,000 campaigns, those outside the submission with no error and no finding in their customer text or FAQ take one row each; the row links to its findings (such as clustering warnings, shown in the load map)."
        );
        Campaign("活动", "campaign");
        WhereColumn("地区", "where");
        WhenColumn("时间", "when");
        OfferFinalPrice("产品 → 到手价", "offer → final price");
        ChannelsColumn("渠道", "channels");
        Wording("文案", "wording");
        FindingsColumn("发现", "findings");
        NoFAQ("没有 FAQ", "no FAQ");
        Question("问", "Q");
        Terms("术语", "Terms");
        AllOfIt("全部", " (all of it)");
        WhereField("地区", "Where");
        IssuedBy("发起:", "issued by");
        WhenField("时间", "When");
        Who("对象", "Who");
        EveryCustomer("所有客户", "every customer");
        ListPrice("原价", "list price");
        Offer("产品", "Offer");
        Benefit("优惠", "Benefit");
        FinalPrice("到手价", "Final price");
        ChannelsField("渠道", "Channels");
        Stacking("叠加", "Stacking");
        StacksWithNothing("互斥(不与其他优惠叠加)", "exclusive (stacks with nothing)");
        StacksWithAnything("可与任何优惠叠加", "stacks with anything");
        StacksOnlyWith("仅可叠加:", "stacks only with");
        Extends("延续", "Extends");
        Supports("支撑", "Supports");
        Due("须就绪于", "due");
        NotDefined("未定义", "not defined");
        LateBy("晚", "late by");
        Days("天", "days");
        Fix("修改:", "Fix:");
        // The findings section.
        Severity("级别", "severity");
        Code("代码", "code");
        Location("位置", "location");
        Message("说明", "message");
        FindingsHeading("审查发现", "Findings");
        Filter("筛选", "filter");
        All("全部", "all");
        Shown("显示:", "shown:");
        ByCode("按代码", "By code");
        CountsByCity("按地市统计", "Counts by city");
        City("地市", "city");
        ByCampaign("按活动", "By campaign");
        Codes("代码", "codes");
        // Commission mixes.
        FirstReturn("首返", "first-return");
        RevenueShare("话费分成", "revenue share");
        Incentive("长期激励", "incentive");
        Subsidy("门店补贴", "subsidy");
        Multiplier("考核系数", "multiplier");
        MixHeading(
            "酬金结构:声明的占比 vs 按费率表计算的占比",
            "Commission mix: declared shares vs shares computed from the tables"
        );
        MixLegend(
            "上条为声明的占比,下条为参考案例下各费率表实际支付的占比(与 KJ6008 同一计算);超出容差的类别标 ✖。",
            "Top bar: the shares declared; bottom bar: what the tables pay for the reference case (the computation KJ6008 checks). A kind off by more than the tolerance is marked ✖."
        );
        MixNoReference(
            "没有参考案例(reference,含日期和渠道),占比未计算。",
            "No reference case (with a date and a channel): the shares are not computed."
        );
        DeclaredBar("声明", "declared");
        ComputedBar("计算", "computed");
        Kind("类别", "kind");
        Paid("计算金额", "paid");
        ComputedShare("计算占比", "computed");
        DeclaredShare("声明占比", "declared");
        DifferencePoints("差(百分点)", "difference (points)");
        Tolerance("容差", "tolerance");
        TablesThatPaid("支付的费率表", "tables that paid");
        Within("在容差内", "within");
        OffTolerance("超出容差", "off");
        NoMatchingRow("无匹配费率行", "no matching row");
        Date("日期", "date");
        Channel("渠道", "channel");
        Product("产品", "product");
        Grade("星级", "grade");
        OverMonths("在网", "over");
        Months("个月", "months");
        MonthlyRevenue("月消费", "monthly revenue");
        ReferenceCase("参考案例", "Reference case");
        // The page: title, summary, navigation, severities.
        Summary(
            "{files} 个文件 · {campaigns} 个活动 · {errors} 个错误 · {warnings} 个警告 · {infos} 个提示",
            "{files} files · {campaigns} campaigns · {errors} errors · {warnings} warnings · {infos} infos"
        );
        SeverityError("✖ 错误", "✖ error");
        SeverityWarning("▲ 警告", "▲ warning");
        SeverityInfo("● 提示", "● info");
        KoujingReviewReport("口径审查报告", "Koujing review report");
        ThisSubmission("本次提交", "This submission");
        SupportReadiness("支撑到位", "Support readiness");
        CountyLoad("扎堆负荷", "County load");
        Conflicts("冲突", "Conflicts");
        Commission("酬金", "Commission");
        Grading("网点分级", "Grading");
        // The pictures: readiness, load map, conflicts.
        SupportReadinessTimeline("支撑到位时间线", "Support readiness timeline");
        ReadinessLegend(
            "◆ 支撑实际就绪日(含其依赖);│ 需要它的活动的开始日;✖ 支撑就绪晚于该活动的截止日(开始日前 support_lead)",
            "◆ the support's effective ready date (its dependencies included); │ start of a campaign that requires it; ✖ ready after that campaign's deadline (support_lead before its start)"
        );
        StartsLate("开始(支撑晚到)", "starts (support late)");
        Starts("开始", "starts");
        EffectiveReady("实际就绪", "effective ready");
        OwnReadyDate("自身", "own");
        CountyWeekLoad("区县 × 周 负荷(扎堆)", "County × week load (clustering)");
        LoadLegend(
            "数字:该周同一渠道同时开展的活动最多几个;“!”与深色:超过该区县的 max_concurrent(与 KJ2002 一致)。",
            "Number: most campaigns active at once on one channel that week; “!” and dark: over the county's max_concurrent (as KJ2002 counts)."
        );
        Peak("峰值", "peak");
        OverTheLimit("超出的活动", "over the limit:");
        ConflictMatrix("活动冲突矩阵", "Conflict matrix");
        ConflictMatrixLegend(
            "✖ KJ2001 冲突(同一客户同一时间可享两个互斥活动);△ KJ2003 地市活动与省公司活动重叠但未声明 extends。悬停或聚焦查看见证。",
            "✖ KJ2001 conflict (one customer could get both exclusive campaigns at once); △ KJ2003 a city campaign overlaps a province campaign without `extends`. Hover or focus for the witness."
        );
        NoConflicts("没有冲突", "no conflicts");
        // The submission view.
        CampaignsChanged("活动", "Campaigns");
        CommissionRows("酬金规则行", "Commission rows");
        GradingWeights("评分权重", "Grading weights");
        FAQEntries("FAQ", "FAQ entries");
        ComparedWith("对比:", "Compared with");
        FilesSubmitted("提交的文件:", "Files submitted:");
        NoChanges("没有改动", "no changes");
        Added("新增", "added");
        Removed("删除", "removed");
        Changed("修改", "changed");
        FindingsThisSubmission("本次提交带来的发现", "Findings this submission brings");
        // Commission tables and grading models.
        CommissionTables("酬金规则", "Commission tables");
        Conditions("条件", "conditions");
        Output("酬金", "output");
        GradingModels("网点分级模型", "Grading models");
        GradingLegend(
            "每个因子:占上级的权重 → 在总分中的实际权重(条形);计分因子另标方向:↑ 越高越好,↓ 越低越好",
            "Each factor: weight within its parent → effective weight in the whole score (bar); each scored factor shows its direction: ↑ higher is better, ↓ lower is better"
        );
        Source("来源", "source");
        LowerIsBetter("越低越好(按 100 − 输入计分)", "lower is better (scores 100 − input)");
        HigherIsBetter("越高越好", "higher is better");
        HigherIsBetterByDefault("越高越好(未声明,默认)", "higher is better (not declared, default)");
    }
}
