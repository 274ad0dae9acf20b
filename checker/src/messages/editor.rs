//! The language server's own text: hover lines, inlay hints, code lenses,
//! rename refusals. (Its diagnostics come from the registry.)

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};

messages! {
    /// A text the editor shows.
    EditorMsg {
        // Diagnostics mirrored into a related file.
        ReportedHere("问题报告于此", "reported here");
        // Rename.
        NothingToRename(
            "这里没有可重命名的名称(只有条目名和对它们的引用可以重命名)",
            "nothing to rename here (only item names and references to them can be renamed)"
        );
        RenameUndefined("`{name}` 未定义,无法重命名", "`{name}` is not defined, so it cannot be renamed");
        RenameInvalid(
            "`{new}` 不是合法的名称:名称以字母、汉字或 `_` 开头,后接字母、数字、汉字、`_` 或 `-`",
            "`{new}` is not a valid name: a name starts with a letter, a Chinese character or `_`, followed by letters, digits, Chinese characters, `_` or `-`"
        );
        RenameTaken(
            "已有名为 `{new}` 的{kind}(在 {path}),不能重命名为它",
            "a {kind} named `{new}` already exists (in {path}); choose another name"
        );
        // Hover.
        Counties("个区县", "counties");
        Price("价格", "price");
        FaceValue("面值", "face value");
        Rows("({count} 行)", "({count} rows)");
        EffectivelyReady("实际就绪日(含依赖)", "effectively ready (with requires)");
        // Inlay hints.
        EffectiveWeight("实际权重 {percent}%", "effective {percent}%");
        AfterDiscount("= {price}", "= {price} after discount");
        SupportReady("支撑就绪 {date}", "support ready {date}");
        DaysBeforeStart(",距开始 {days} 天", ", {days} days before start");
        InheritedWindow("窗口 {start} .. {end}(继承)", "window {start} .. {end} (inherited)");
        // Code lenses.
        ReferencedBy("被引用 {count} 次", "referenced by {count}");
        Conflicts("{count} 处冲突", "{count} conflicts");
    }
}
