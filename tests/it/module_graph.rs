//! The top-level modules of `src/` import each other without a cycle (the graph is in
//! `docs/architecture-notes.md`). An edge is a `crate::NAME` path, `use crate::{a, b::c}` groups
//! included, outside test code (`tests.rs` files and `#[cfg(test)]` modules); a root re-export
//! (`crate::Error`, `crate::Location`, ...) counts as the module that defines it, as `lib.rs`
//! says. Comments are left out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `text` without `//` comments and `#[cfg(test)] mod NAME { ... }` blocks.
fn without_tests_and_comments(text: &str) -> String {
    let text: String = text
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let head = after.trim_start();
        let is_mod = head.starts_with("mod ") || head.starts_with("pub(crate) mod ");
        match (is_mod, after.find('{')) {
            (true, Some(open)) if !after[..open].contains(';') => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            _ => {
                out.push_str("#[cfg(test)]");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first path segment of each item of a `use` group (`a, b::c, d::{e, f}`).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let (mut depth, mut item) = (0usize, String::new());
    for c in group.chars().chain([',']) {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                let head: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() {
                    heads.push(head);
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    heads
}

/// The first segments after each `crate::` of `text`.
fn crate_paths(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `$crate::`, `my_crate::`
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1usize;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            names.extend(group_heads(&group[..end]));
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    names
}

/// `NAME -> module` for the root re-exports of `lib.rs` (`pub use module::{A, B};`).
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let lib = without_tests_and_comments(lib);
    for stmt in lib.split(';') {
        let Some(path) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = path.split_once("::") else {
            continue;
        };
        let items = items.trim();
        let items = items
            .strip_prefix('{')
            .and_then(|i| i.strip_suffix('}'))
            .unwrap_or(items);
        for item in items.split(',') {
            let name = item.trim().rsplit("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                map.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    map
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The graph of the top-level modules of `src/` (the binary and `lib.rs` left out).
fn graph() -> Graph {
    let src = src();
    let reexports = root_reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut modules = BTreeMap::<String, Vec<PathBuf>>::new();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "bin" {
            continue;
        }
        let files = modules.entry(name).or_default();
        if p.is_dir() {
            rust_files(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
    let tops: BTreeSet<String> = modules.keys().cloned().collect();
    let mut g = Graph::new();
    for (module, files) in &modules {
        let edges = g.entry(module.clone()).or_default();
        for f in files.iter().filter(|f| !f.ends_with("tests.rs")) {
            let text = without_tests_and_comments(&std::fs::read_to_string(f).unwrap());
            for name in crate_paths(&text) {
                let target = reexports.get(&name).unwrap_or(&name);
                if tops.contains(target) && target != module {
                    edges.insert(target.clone());
                }
            }
        }
    }
    g
}

/// A cycle of `g`, if there is one (depth-first search).
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut c = path[at..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            if let Some(c) = visit(g, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(g, n, &mut Vec::new(), &mut done))
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let g = graph();
    let shown: Vec<String> = g
        .iter()
        .map(|(m, e)| format!("{m} -> {}", e.iter().cloned().collect::<Vec<_>>().join(" ")))
        .collect();
    assert!(g.len() > 10, "too few modules found: {shown:#?}");
    // The reading finds the edges it should: the layers below `error` do not name it.
    assert!(g["pipeline"].contains("error") && g["error"].contains("coverage"));
    for layer in ["io", "fastq", "coverage", "report", "location"] {
        assert!(!g[layer].contains("error"), "{layer} names crate::Error");
    }
    if let Some(c) = cycle(&g) {
        panic!("import cycle {}\n{}", c.join(" -> "), shown.join("\n"));
    }
}

#[test]
fn the_reader_sees_groups_reexports_and_skips_tests() {
    let text = "use crate::{io::X, fastq::{A, B}};\n// crate::pipeline\n\
                fn f() -> crate::Error { todo!() }\n\
                #[cfg(test)]\nmod tests {\n    use crate::settings;\n}\n";
    let text = without_tests_and_comments(text);
    assert_eq!(crate_paths(&text), ["io", "fastq", "Error"]);
    let map = root_reexports("pub use error::{Error, Result};\npub use location::Location;\n");
    assert_eq!(map["Error"], "error");
    assert_eq!(map["Location"], "location");
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("a".into());
    assert_eq!(cycle(&g), Some(vec!["a".into(), "b".into(), "a".into()]));
}
