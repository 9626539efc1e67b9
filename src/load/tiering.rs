//! The workspace's tiering through the loader: `tiering.toml` at the
//! workspace root, else `builtin:tiering`; and vendors' hand-set tiers
//! checked against it.

use super::{Loader, Stop, VendorFolder};
use crate::audit::hash::sha256_hex;
use crate::diag::{Code, Severity};
use crate::lifecycle::Tiering;
use crate::model::FileKind;
use crate::validate::{Document, TIERING_FILE};

impl Loader {
    /// The tiering to tier vendors with, validated; `Err` when it has errors (reported).
    pub fn tiering(&mut self) -> Result<Tiering, Stop> {
        let path = self.workspace.root.join(TIERING_FILE);
        let file = if path.is_file() {
            self.file(&path).ok_or(Stop)?;
            let cached = self.cache.get(&path).ok_or(Stop)?;
            if !matches!(cached.file.document, Some(Document::Tiering(_))) {
                self.diagnostics()
                    .report(Code::UnknownFileKind, TIERING_FILE, None, "expected a [tiering] file")
                    .severity = Severity::Error;
                return Err(Stop);
            }
            let cached = self.cache.get(&path).ok_or(Stop)?;
            let digest = sha256_hex(cached.file.source.text.as_bytes());
            (cached.file.document.clone(), cached.file.source.path.clone(), digest)
        } else {
            let builtin = crate::builtin::tiering().ok_or(Stop)?;
            let checked = self.builtin(builtin, FileKind::Tiering).ok_or(Stop)?;
            (checked.document, checked.source.path, builtin.sha256.to_owned())
        };
        let (Some(Document::Tiering(parsed)), shown, sha256) = file else { return Err(Stop) };
        Ok(Tiering::new(&parsed, shown, sha256))
    }

    /// Refuse a vendor whose `[vendor] tier` is not a tier of `tiering` (reported at the tier).
    pub fn check_tier_overrides(&mut self, tiering: &Tiering, vendors: &[VendorFolder]) -> Result<(), Stop> {
        let mut stopped = false;
        for vendor in vendors {
            let Some(tier) = &vendor.file.vendor.tier else { continue };
            if tiering.position(&tier.value).is_some() {
                continue;
            }
            if let Some(cached) = self.cache.get(&vendor.dir.join("vendor.toml")) {
                let source = cached.file.source.clone();
                self.keep_source(source);
            }
            let known = tiering.tiers.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ");
            self.diagnostics()
                .report(
                    Code::TierOverride,
                    &vendor.path,
                    Some(tier.span.clone()),
                    format!("`{}` is not a tier of {}", tier.value, tiering.path),
                )
                .add_help(format!("tiers: {known}"));
            stopped = true;
        }
        if stopped { Err(Stop) } else { Ok(()) }
    }
}

impl Loader {
    /// Each vendor's tier id by vendor id, for the ledger's `score` entries:
    /// the tiering loaded and overrides checked; contracts are read only when
    /// a tier rule reads `contract`.
    pub fn tiers_of(&mut self, vendors: &[VendorFolder]) -> Result<std::collections::BTreeMap<String, String>, Stop> {
        let tiering = self.tiering()?;
        self.check_tier_overrides(&tiering, vendors)?;
        let reads_contract = tiering.tiers.iter().any(|t| t.when.as_deref().is_some_and(|w| w.contains("contract")));
        let mut contracts = Vec::with_capacity(vendors.len());
        for vendor in vendors {
            contracts.push(if reads_contract { self.contract_of(vendor)? } else { None });
        }
        let inputs: Vec<crate::lifecycle::TierInput<'_>> = vendors
            .iter()
            .zip(&contracts)
            .map(|(v, c)| crate::lifecycle::TierInput {
                vendor_file: Some(&v.table),
                contract: c.as_ref().map(|c| &*c.table),
            })
            .collect();
        let assigned = tiering.assign_all(&inputs);
        Ok(vendors.iter().zip(assigned).map(|(v, a)| (v.id().to_owned(), tiering.tiers[a.tier].id.clone())).collect())
    }
}
