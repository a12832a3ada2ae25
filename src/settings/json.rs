//! Setting a settings struct from a JSON object key by key, so that every error names its key.
//!
//! A struct's keys are the fields it serializes (every field, always present). A JSON key is
//! read with `-` as `_` (the CLI's long names mix both) and then through the struct's alias
//! list. Values are set one at a time and the struct is rebuilt after each, so a value of the
//! wrong type fails naming its key; a check across values (the `check` closure) that fails is
//! traced back to the keys whose old value makes it pass.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::Error;

/// One key of a JSON object: as written, as the struct names it, and its value.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) written: String,
    pub(crate) key: String,
    pub(crate) value: Value,
}

/// The fields of `v` as a JSON object.
pub(crate) fn object<T: Serialize>(v: &T) -> Result<Map<String, Value>, Error> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::Internal(
            "settings do not serialize to an object".into(),
        )),
        Err(e) => Err(Error::Internal(format!("settings to JSON: {e}"))),
    }
}

/// Parses `text` as a JSON object; each key is read with `-` as `_` and then `aliases`
/// (`(alias, key)` pairs).
pub(crate) fn parse(text: &str, aliases: &[(&str, &str)]) -> Result<Vec<Entry>, Error> {
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(other) => {
            return Err(Error::Options(format!(
                "options JSON must be an object like {{\"key\": value}}, got {other}"
            )));
        }
        Err(e) => return Err(Error::Options(format!("options JSON: {e}"))),
    };
    Ok(map
        .into_iter()
        .map(|(written, value)| {
            let key = written.replace('-', "_");
            let key = aliases
                .iter()
                .find(|(alias, _)| *alias == key)
                .map_or(key, |(_, k)| (*k).to_string());
            Entry {
                written,
                key,
                value,
            }
        })
        .collect())
}

/// The error for a key no settings struct has.
pub(crate) fn unknown(e: &Entry) -> Error {
    Error::Options(format!(
        "unknown key {:?} (keys are the CLI's long option names)",
        e.written
    ))
}

/// Returns `current` with `entries` set (every entry must be one of its keys), in order.
pub(crate) fn set<T: Serialize + DeserializeOwned>(
    current: &T,
    entries: &[Entry],
) -> Result<T, Error> {
    let mut map = object(current)?;
    for e in entries {
        if !map.contains_key(&e.key) {
            return Err(unknown(e));
        }
        map.insert(e.key.clone(), e.value.clone());
        if let Err(err) = T::deserialize(&Value::Object(map.clone())) {
            return Err(Error::Options(format!("key {:?}: {err}", e.written)));
        }
    }
    T::deserialize(Value::Object(map)).map_err(|e| Error::Options(format!("options: {e}")))
}

/// Runs `check` on `next`; on failure names the keys of `entries` to blame: those whose value
/// from `before` makes `check` pass (all of them when none does).
pub(crate) fn check_blaming<T: Serialize + DeserializeOwned>(
    before: &T,
    next: &T,
    entries: &[Entry],
    check: impl Fn(&T) -> Result<(), Error>,
) -> Result<(), Error> {
    let Err(err) = check(next) else {
        return Ok(());
    };
    let Error::Options(msg) = err else {
        return Err(err);
    };
    let old = object(before)?;
    let new = object(next)?;
    let named = |e: &Entry| format!("{:?} = {}", e.written, e.value);
    let mut blamed: Vec<String> = Vec::new();
    for e in entries {
        let mut map = new.clone();
        if let Some(v) = old.get(&e.key) {
            map.insert(e.key.clone(), v.clone());
        }
        let reverted = T::deserialize(Value::Object(map)).ok();
        if reverted.is_some_and(|r| check(&r).is_ok()) {
            blamed.push(named(e));
        }
    }
    if blamed.is_empty() {
        blamed = entries.iter().map(named).collect();
    }
    Err(Error::Options(match blamed.len() {
        0 => msg,
        1 => format!("key {}: {msg}", blamed[0]),
        _ => format!("keys {}: {msg}", blamed.join(", ")),
    }))
}

/// Applies the JSON object `text` to `current` (keys or `aliases`), checked by `check`; on any
/// error names the key and leaves `current` unchanged.
pub(crate) fn apply<T: Serialize + DeserializeOwned>(
    current: &mut T,
    text: &str,
    aliases: &[(&str, &str)],
    check: impl Fn(&T) -> Result<(), Error>,
) -> Result<(), Error> {
    let entries = parse(text, aliases)?;
    let next = set(current, &entries)?;
    check_blaming(current, &next, &entries, check)?;
    *current = next;
    Ok(())
}

/// Every key with its current value, as one compact JSON object.
pub(crate) fn to_string<T: Serialize>(v: &T) -> Result<String, Error> {
    serde_json::to_string(v).map_err(|e| Error::Internal(format!("settings to JSON: {e}")))
}
