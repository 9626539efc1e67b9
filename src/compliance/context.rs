//! What a rule's expressions see about one vendor: the contract's tables as
//! written, the vendor's `[vendor]` table and answer values, and `as_of`.
//!
//! The tables are taken from the file as written (after it passed
//! validation), so a term the contract does not state is *undefined*, not a
//! default: that is what lets a rule report it as `missing`. A table left out
//! entirely is empty (every field undefined), `sla` an empty list, and dates
//! are ISO strings (`"2026-03-15"`).

use std::sync::Arc;

use minijinja::Value;

use crate::expr::{answer_values, empty_map, toml_value as value};

use crate::model::Date;

/// The contract's tables other than `[[sla]]`, each an empty map when absent.
const TABLES: &[&str] = &["contract", "data_protection", "security", "capacity", "service_credits", "extra"];

/// One vendor to check: its id and name, and its files as written.
#[derive(Debug, Clone)]
pub struct Subject {
    pub vendor: String,
    pub name: String,
    /// The vendor's folder, workspace-relative (`vendors/<id>`).
    pub folder: String,
    /// The contract's workspace-relative path, when the vendor has one.
    pub contract_path: Option<String>,
    contract: Option<Arc<toml::Table>>,
    vendor_file: Arc<toml::Table>,
}

impl Subject {
    /// A vendor from its `vendor.toml` and `contract.toml` (path, tables),
    /// both already validated: `load` is the one caller.
    pub fn new(
        vendor: impl Into<String>,
        name: impl Into<String>,
        folder: impl Into<String>,
        vendor_file: Arc<toml::Table>,
        contract: Option<(String, Arc<toml::Table>)>,
    ) -> Subject {
        let (contract_path, contract) = contract.map_or((None, None), |(p, t)| (Some(p), Some(t)));
        Subject {
            vendor: vendor.into(),
            name: name.into(),
            folder: folder.into(),
            contract_path,
            contract,
            vendor_file,
        }
    }

    /// The variables rules see, as of a date; `None` when there is no contract.
    pub fn context(&self, as_of: Date) -> Option<Value> {
        let contract = self.contract.as_ref()?;
        let vendor = self.vendor_file.get("vendor").map_or_else(empty_map, value);
        let answers = self.vendor_file.get("answers").and_then(toml::Value::as_table).map_or_else(empty_map, |a| {
            a.iter().map(|(category, criteria)| (category.as_str(), answer_values(criteria))).collect()
        });
        Some(build(Some(contract), vendor, answers, as_of))
    }
}

/// The variables for a contract that states nothing at all (every table
/// empty), used to try a policy's expressions when it is validated.
pub fn empty(as_of: Date) -> Value {
    build(None, empty_map(), empty_map(), as_of)
}

fn build(contract: Option<&toml::Table>, vendor: Value, answers: Value, as_of: Date) -> Value {
    let table = |name: &str| contract.and_then(|c| c.get(name)).map_or_else(empty_map, value);
    let mut variables: Vec<(&str, Value)> = TABLES.iter().map(|&name| (name, table(name))).collect();
    let sla = contract.and_then(|c| c.get("sla")).map_or_else(|| Value::from(Vec::<Value>::new()), value);
    variables.push(("sla", sla));
    variables.push(("vendor", vendor));
    variables.push(("answers", answers));
    variables.push(("as_of", Value::from(as_of.to_string())));
    variables.into_iter().collect()
}

/// Whether the variables state `path` (`data_protection.audit_rights`): every
/// step of it is defined.
/// The value at a dotted path, when the contract states it.
pub fn lookup(variables: &Value, path: &str) -> Option<Value> {
    let mut current = variables.clone();
    for step in path.split('.') {
        match current.get_attr(step) {
            Ok(next) if !next.is_undefined() => current = next,
            _ => return None,
        }
    }
    Some(current)
}

pub fn is_stated(variables: &Value, path: &str) -> bool {
    let mut current = variables.clone();
    for step in path.split('.') {
        match current.get_attr(step) {
            Ok(next) if !next.is_undefined() => current = next,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(contract: &str) -> Subject {
        let vendor: toml::Table = toml::from_str(
            "[vendor]\nid = \"v\"\nname = \"V\"\nsubmitted = 2026-10-01\n\
             [answers.security]\ndpa_signed = { value = true, evidence = [\"e.pdf\"] }\ncertifications = [\"iso27001\"]\n",
        )
        .unwrap();
        let contract = Arc::new(toml::from_str(contract).unwrap());
        Subject::new("v", "V", "vendors/v", Arc::new(vendor), Some(("vendors/v/contract.toml".into(), contract)))
    }

    fn as_of() -> Date {
        Date::parse("2026-11-21").unwrap()
    }

    #[test]
    fn stated_terms_are_values_and_absent_ones_undefined() {
        let s = subject("[contract]\nvendor = \"v\"\nstart = 2027-01-01\n[security]\nmfa = true\n");
        let vars = s.context(as_of()).unwrap();
        assert!(is_stated(&vars, "security.mfa"));
        assert!(!is_stated(&vars, "security.encryption_at_rest"));
        assert!(!is_stated(&vars, "data_protection.audit_rights"), "an absent table has no fields");
        assert!(is_stated(&vars, "data_protection"), "but is itself an empty table");
        assert_eq!(vars.get_attr("contract").unwrap().get_attr("start").unwrap(), Value::from("2027-01-01"));
        assert_eq!(vars.get_attr("sla").unwrap().len(), Some(0));
        assert_eq!(vars.get_attr("as_of").unwrap(), Value::from("2026-11-21"));
    }

    #[test]
    fn vendor_and_answer_values_are_visible() {
        let vars = subject("[contract]\nvendor = \"v\"\n").context(as_of()).unwrap();
        assert!(is_stated(&vars, "answers.security.dpa_signed"));
        let answers = vars.get_attr("answers").unwrap().get_attr("security").unwrap();
        assert_eq!(answers.get_attr("dpa_signed").unwrap(), Value::from(true), "the value, not the table");
        assert_eq!(answers.get_attr("certifications").unwrap().len(), Some(1));
        assert_eq!(vars.get_attr("vendor").unwrap().get_attr("submitted").unwrap(), Value::from("2026-10-01"));
    }

    #[test]
    fn no_contract_no_context() {
        let s = Subject::new("v", "V", "vendors/v", Arc::default(), None);
        assert!(s.context(as_of()).is_none());
        assert!(!is_stated(&empty(as_of()), "contract.vendor"));
    }
}
