//! A Cedar policy set comparable to a generated Koujing workspace, for the
//! peer comparison in docs/PERFORMANCE.md:
//! `cargo run -p koujing-bench --release --example cedar_policies -- 10000 /tmp/cedar`
//! writes `policies.cedar` (one `permit` per campaign: the same region,
//! channel, window and audience conditions) and `schema.cedarschema`.

use std::fmt::Write;

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(2)
            .unwrap_or_else(|| "/tmp/cedar".into()),
    );
    std::fs::create_dir_all(&out)?;
    let mut rng = fastrand::Rng::with_seed(1);
    let channels = [
        "自有营业厅",
        "指定专营店",
        "特约代理点",
        "合作厅",
        "网上营业厅",
        "掌上营业厅",
        "短信营业厅",
        "热线10086",
        "集团客户经理",
    ];
    let brands = ["全球通", "神州行", "动感地带"];
    let mut policies = String::new();
    for i in 0..n {
        let start = rng.u32(0..330);
        let end = start + 7 * rng.u32(1..=8) - 1;
        let county = format!("县{}", rng.usize(..100));
        let channel = channels
            .get(rng.usize(..channels.len()))
            .copied()
            .unwrap_or("热线10086");
        let brand = brands
            .get(rng.usize(..brands.len()))
            .copied()
            .unwrap_or("全球通");
        let _ = writeln!(
            policies,
            "@id(\"活动{i}\")\npermit(principal, action == Action::\"apply\", resource == Campaign::\"活动{i}\")\nwhen {{ context.region == \"{county}\" && context.channel == \"{channel}\" && context.day >= {start} && context.day <= {end} && context.brand == \"{brand}\" && context.spend >= {} }};\n",
            rng.u32(0..100)
        );
    }
    std::fs::write(out.join("policies.cedar"), policies)?;
    std::fs::write(
        out.join("schema.cedarschema"),
        "entity Customer;\nentity Campaign;\naction \"apply\" appliesTo {\n  principal: Customer,\n  resource: Campaign,\n  context: { region: String, channel: String, day: Long, brand: String, spend: Long }\n};\n",
    )?;
    Ok(())
}
