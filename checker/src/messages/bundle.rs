//! What `koujing verify` and `koujing diff` say about bundles, and the note
//! for a bundle of an older format.

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};

messages! {
    /// A text about a built bundle.
    BundleMsg {
        OlderFormat(
            "注意:这是第 {found} 版产物格式,比当前的第 {format} 版旧;缺少的第 {format} 版字段(酬金表的发布地区、适用地区、覆盖与叠加、支付周期,卡品供货价,方向,酬金结构参考案例)按默认值处理。请用本版 koujing 重新构建",
            "note: this bundle is format {found}, older than the current format {format}; the format {format} fields it lacks (commission issuer, regions, overrides, additive, per; SIM card supply prices; directions; mix references) take their defaults. Rebuild it with this koujing"
        );
        // koujing verify.
        ManifestMissing("缺少 manifest.json", "manifest.json is missing");
        ManifestNewer(
            "manifest.json 是第 {found} 版产物格式,比本工具支持的第 {format} 版新,请升级 koujing",
            "manifest.json is bundle format {found}, newer than the format {format} this koujing reads; upgrade koujing"
        );
        ManifestUnreadable("manifest.json 无法解析:{error}", "manifest.json cannot be read: {error}");
        FileMissing("缺少文件 {path}", "file {path} is missing");
        HashMismatch("{path} 的 SHA-256 与清单不符(文件被改动)", "{path} does not match its SHA-256 in the manifest (it was changed)");
        SizeMismatch("{path} 的大小与清单不符", "{path} has another size than the manifest says");
        ExtraFile("多余的文件 {path}(不在清单中)", "extra file {path} (not in the manifest)");
        SignatureMissing("缺少签名 manifest.sig", "the signature manifest.sig is missing");
        SignatureInvalid(
            "签名无效:manifest.json 被改动,或不是用这把密钥签的",
            "the signature is not valid: manifest.json was changed, or it was signed with another key"
        );
        RequireSignatureNeedsKey("--require-signature 需要 --pubkey 才能检查签名", "--require-signature needs --pubkey to check the signature");
        SignatureRequired(
            "产物未签名(缺少 manifest.sig),而要求签名",
            "the bundle is not signed (manifest.sig is missing) and a signature is required"
        );
        Verified("产物校验通过{signed}", "bundle verified{signed}");
        SignatureValid(",签名有效", ", signature valid");
        SignatureNotChecked(";签名未检查(未提供 --pubkey)", "; signature NOT checked (no --pubkey given)");
        NotSigned(";未签名", "; not signed");
        // koujing diff.
        KindCampaign("活动", "campaign");
        KindCommissionRow("酬金规则", "commission row");
        KindGradingWeight("评分权重", "grading weight");
        KindFaq("FAQ", "FAQ entry");
        FieldChange("{field}:{old} → {new}", "{field}: {old} → {new}");
        FieldSeparator(";", "; ");
        Added("新增{what} `{name}`", "added {what} `{name}`");
        Removed("删除{what} `{name}`", "removed {what} `{name}`");
        Changed("修改{what} `{name}`:{fields}", "changed {what} `{name}`: {fields}");
        NoDifferences("两个产物内容相同", "no differences");
    }
}
