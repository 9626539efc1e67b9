//! Installed fonts, found through fontconfig for the report renderer (the
//! library asks through `ReportRequest::font_lookup`; it runs nothing itself).

use std::path::PathBuf;

/// Installed fonts that may have `chars`, best first, as fontconfig ranks
/// them for a sans-serif face with those characters (`fc-match -s`, which
/// honours the user's fontconfig settings). None when fontconfig is absent.
pub fn fontconfig(chars: &[char]) -> Vec<(PathBuf, usize)> {
    let charset: Vec<String> = chars.iter().map(|&c| format!("{:x}", u32::from(c))).collect();
    let pattern = format!("sans-serif:charset={}", charset.join(" "));
    let Ok(output) =
        std::process::Command::new("fc-match").args(["-s", "--format", "%{file}\t%{index}\n", &pattern]).output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (file, index) = line.split_once('\t')?;
            Some((PathBuf::from(file), index.parse().ok()?))
        })
        .take(8)
        .collect()
}
