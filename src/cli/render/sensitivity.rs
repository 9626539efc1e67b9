//! How `sensitivity` shows its results: a table for people, the JSON of
//! SPEC section 13, and CSV (one row per weight).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::Format;
use crate::cli::formats::csv_writer;
use crate::cli::text::{fit, words, wrap};
use vendorscore::pipeline::sensitivity::{Sensitivity, percent, thousands};
use vendorscore::scoring::round2;
use vendorscore::sensitivity::{Flip, WeightSensitivity, percent_text};

fn four(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn flip_json(result: &Sensitivity, w: &WeightSensitivity, flip: &Option<Flip>) -> Value {
    match flip {
        None => Value::Null,
        Some(f) => json!({
            "share": percent(f.share),
            "change": round2((f.share - w.share) * 100.0),
            "relative": round2((f.share - w.share) / w.share * 100.0),
            "winner": result.table.rows[f.winner].id,
        }),
    }
}

/// The JSON of SPEC section 13 (the `ledger` key comes with the audit ledger).
pub fn to_json(result: &Sensitivity, as_of: &str) -> Value {
    let rubric = &result.scored.rubric;
    let table = &result.table;
    let weights: Vec<Value> = result
        .weights
        .iter()
        .map(|w| {
            json!({
                "level": Sensitivity::level_of(w.weight),
                "id": result.weight_id(w.weight),
                "share": percent(w.share),
                "winner_interval": [percent(w.winner_interval.0), percent(w.winner_interval.1)],
                "ranking_interval": [percent(w.ranking_interval.0), percent(w.ranking_interval.1)],
                "flip_down": flip_json(result, w, &w.flip_down),
                "flip_up": flip_json(result, w, &w.flip_up),
                "pass_mark_crossings": w.pass_mark_crossings.iter().map(|c| json!({
                    "vendor": table.rows[c.vendor].id, "share": percent(c.share), "status": c.status.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let smaa = result.smaa.as_ref().map(|smaa| {
        let n = table.rows.len();
        let vendors: Vec<Value> = (0..n)
            .map(|i| {
                json!({
                    "id": table.rows[i].id,
                    "rank_acceptability": smaa.acceptability[i].iter().map(|&a| four(a)).collect::<Vec<_>>(),
                    "central_weights": smaa.central[i].as_ref().map(|c| {
                        table.columns.iter().zip(c).map(|(col, &share)| (col.id.clone(), json!(percent(share))))
                            .collect::<serde_json::Map<_, _>>()
                    }),
                    "confidence": smaa.confidence[i],
                })
            })
            .collect();
        let mut pairwise = Vec::new();
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                pairwise.push(json!({
                    "vendor": table.rows[i].id, "over": table.rows[j].id, "share": four(smaa.pairwise[i][j]),
                }));
            }
        }
        json!({ "vendors": vendors, "pairwise": pairwise })
    });
    json!({
        "rubric": { "id": rubric.id, "version": rubric.version, "sha256": rubric.sha256 },
        "as_of": as_of,
        "level": vendorscore::pipeline::sensitivity::level_str(result.level),
        "renormalize": result.renormalize.as_str(),
        "samples": result.smaa.as_ref().map_or(0, |s| s.samples),
        "seed": result.seed,
        "spread": result.spread,
        "panel_samples": result.panel,
        "winner": result.winner().map(|w| w.id.clone()),
        "most_critical": result.most_critical(),
        "sentence": result.sentence(),
        "weights": weights,
        "smaa": smaa,
        "leave_one_out": result.leave_one_out.iter().map(|l| json!({
            "removed": l.removed, "before": l.before, "after": l.after, "reversal": l.reversal,
        })).collect::<Vec<_>>(),
    })
}

/// One row per weight, most critical first.
pub fn to_csv(result: &Sensitivity, format: Format) -> anyhow::Result<String> {
    let mut writer = csv_writer(Vec::new(), format)?;
    writer.write_record([
        "level",
        "id",
        "share",
        "winner_lo",
        "winner_hi",
        "ranking_lo",
        "ranking_hi",
        "flip_down_share",
        "flip_down_winner",
        "flip_up_share",
        "flip_up_winner",
        "pass_mark_crossings",
    ])?;
    let table = &result.table;
    let pct = |x: f64| format!("{:.2}", x * 100.0);
    for w in &result.weights {
        let flip = |f: &Option<Flip>| match f {
            Some(f) => (pct(f.share), table.rows[f.winner].id.clone()),
            None => (String::new(), String::new()),
        };
        let (down, down_winner) = flip(&w.flip_down);
        let (up, up_winner) = flip(&w.flip_up);
        let crossings: Vec<String> = w
            .pass_mark_crossings
            .iter()
            .map(|c| format!("{}@{}:{}", table.rows[c.vendor].id, pct(c.share), c.status.as_str()))
            .collect();
        writer.write_record([
            Sensitivity::level_of(w.weight).to_owned(),
            result.weight_id(w.weight).to_owned(),
            pct(w.share),
            pct(w.winner_interval.0),
            pct(w.winner_interval.1),
            pct(w.ranking_interval.0),
            pct(w.ranking_interval.1),
            down,
            down_winner,
            up,
            up_winner,
            crossings.join(" "),
        ])?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// The results for people, readable at 100 columns.
pub fn table(result: &Sensitivity, as_of: &str) -> String {
    let mut out = String::new();
    let rubric = &result.scored.rubric;
    let table = &result.table;
    let _ = writeln!(
        out,
        "{} {} · as of {as_of} · {} vendors, {} ranked · {} renormalisation\n",
        rubric.id,
        rubric.version,
        result.scored.cards.len(),
        table.rows.len(),
        result.renormalize.as_str()
    );
    if let Some(sentence) = result.sentence() {
        out.push_str(&wrap(&sentence, 0, 100));
        out.push('\n');
    }
    let name = |row: usize| table.rows[row].name.as_str();
    let _ = writeln!(
        out,
        "{:<28} {:>6}  {:<13}  {:<13}  {:<15} Flip up",
        "Weight (most critical first)", "Now %", "Winner holds", "Ranking holds", "Flip down"
    );
    for w in &result.weights {
        let flip = |f: &Option<Flip>| match f {
            Some(f) => format!("{:.2} {}", f.share * 100.0, fit(name(f.winner), 9).trim_end()),
            None => "–".to_owned(),
        };
        let range = |(lo, hi): (f64, f64)| format!("{:.2}–{:.2}", lo * 100.0, hi * 100.0);
        let _ = writeln!(
            out,
            "{} {:>6.2}  {:<13}  {:<13}  {} {}",
            fit(result.weight_id(w.weight), 28),
            w.share * 100.0,
            range(w.winner_interval),
            range(w.ranking_interval),
            fit(&flip(&w.flip_down), 15),
            fit(&flip(&w.flip_up), 15).trim_end()
        );
    }
    let crossings: Vec<String> = result
        .weights
        .iter()
        .flat_map(|w| {
            w.pass_mark_crossings.iter().map(move |c| {
                format!(
                    "{} becomes {} at {} {:.2} %",
                    table.rows[c.vendor].id,
                    words(c.status.as_str()),
                    result.weight_id(w.weight),
                    c.share * 100.0
                )
            })
        })
        .collect();
    if !crossings.is_empty() {
        out.push_str("\nPass-mark crossings:\n");
        for line in crossings {
            let _ = writeln!(out, "  {line}");
        }
    }
    if let Some(smaa) = &result.smaa {
        let n = table.rows.len();
        let how = match result.spread {
            Some(pct) => format!("each weight within ±{pct} %"),
            None => "shares uniform on the simplex".to_owned(),
        };
        let how = if result.panel { format!("{how}, one evaluator per panel criterion") } else { how };
        let _ = writeln!(
            out,
            "\nSMAA-2: {} weightings (seed {}), {how}; share of weightings at each rank",
            thousands(smaa.samples),
            result.seed
        );
        let shown_ranks = n.min(6);
        let _ = write!(out, "{:<24}", "Vendor");
        for rank in 1..=shown_ranks {
            let _ = write!(out, " {:>6}", format!("#{rank}"));
        }
        let _ = writeln!(out, "  {:>5}", "Conf.");
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| smaa.acceptability[b][0].total_cmp(&smaa.acceptability[a][0]).then(a.cmp(&b)));
        for &i in &order {
            let _ = write!(out, "{}", fit(name(i), 24));
            for rank in 0..shown_ranks {
                let _ = write!(out, " {:>5}%", percent_text(smaa.acceptability[i][rank], 1));
            }
            let _ = writeln!(out, "  {:>5}", smaa.confidence[i]);
        }
        for &i in order.iter().filter(|&&i| smaa.central[i].is_some()) {
            let central = smaa.central[i].as_ref().expect("filtered");
            let shares: Vec<String> =
                table.columns.iter().zip(central).map(|(c, s)| format!("{} {:.1}", c.id, s * 100.0)).collect();
            out.push_str(&wrap(&format!("Central weights of {} (%): {}", name(i), shares.join(", ")), 0, 100));
        }
    }
    let reversals: Vec<String> = result
        .leave_one_out
        .iter()
        .filter(|l| l.reversal)
        .map(|l| format!("without {}: {} (was {})", l.removed, l.after.join(", "), l.before.join(", ")))
        .collect();
    out.push_str("\nLeave one out: ");
    if reversals.is_empty() {
        out.push_str("removing any one vendor leaves the order of the others as it is.\n");
    } else {
        out.push_str("removing a vendor reorders the others\n");
        for line in reversals {
            out.push_str("  ");
            out.push_str(&wrap(&line, 2, 100));
        }
    }
    out
}
