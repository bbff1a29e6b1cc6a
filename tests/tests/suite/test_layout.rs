//! The code's layout, as rules a test can hold (issue 21):
//! - no import circle between a contract's top-level modules: each helper lives in the
//!   module its name belongs to, and a module that needs another's helper never is needed
//!   back (`chain` builds messages and reads queries; it knows no accounting module);
//! - a source or test file longer than [`LONG`] lines (its unit tests left out) says at its
//!   top, in a `//! Why one file:` paragraph, why it is not split.
//!
//! The imports are read from the source text (`crate::a::..`, `use crate::{a, b::..}`), which
//! is how a reader meets them; unit-test modules (after `#[cfg(test)]`) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::helpers::repo_root;

/// Lines of code (unit tests left out) above which a file must say why it is one file.
const LONG: usize = 400;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without its unit-test module.
fn code(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// The top-level modules a source text names through `crate::`.
fn crate_imports(text: &str) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let mut rest = code(text);
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            // `crate::{a, b::{..}, c}`: the first name of each top-level item.
            let (mut depth, mut item, mut end) = (1, String::new(), list.len());
            for (i, ch) in list.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 1 => {
                        end = i;
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        deps.extend(first_ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 1 {
                    item.push(ch);
                }
            }
            deps.extend(first_ident(&item));
            rest = &list[end..];
        } else {
            deps.extend(first_ident(rest));
        }
    }
    deps
}

fn first_ident(s: &str) -> Option<String> {
    let name: String = s
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A circle in `graph`, as the modules along it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut c = path[at..].to_vec();
            c.push(m.to_string());
            return Some(c);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(c) = visit(m, graph, &mut vec![], &mut done) {
            return Some(c);
        }
    }
    None
}

/// Each top-level module of a crate's `src/` and the other top-level modules it imports.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = vec![];
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).expect("under src");
        let top = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .expect("a file");
        let text = fs::read_to_string(&f).expect("readable source");
        let deps = crate_imports(&text);
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(deps.into_iter().filter(|d| *d != top));
    }
    // Only edges between the crate's own modules (`crate::Foo` re-exports name no module).
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    graph
}

fn contract_sources() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(repo_root().join("contracts"))
        .expect("contracts/")
        .flatten()
        .map(|e| e.path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn no_import_circle_between_a_contracts_modules() {
    let mut circles = vec![];
    for src in contract_sources() {
        if let Some(c) = circle(&module_graph(&src)) {
            circles.push(format!("{}: {}", src.display(), c.join(" -> ")));
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_finder_finds_circles() {
    let text =
        "use crate::{a::X, b::{Y, Z}};\nfn f() { crate::c::g(); }\n#[cfg(test)]\nuse crate::d;";
    let names: Vec<String> = crate_imports(text).into_iter().collect();
    assert_eq!(names, ["a", "b", "c"]);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), BTreeSet::new());
    assert_eq!(circle(&g), None);
    g.get_mut("c").expect("c").insert("a".into());
    assert_eq!(
        circle(&g).expect("a circle"),
        ["a", "b", "c", "a"].map(String::from)
    );
}

#[test]
fn long_files_say_why_they_are_one_file() {
    let root = repo_root();
    let mut files = vec![];
    for dir in ["contracts", "packages"] {
        for e in fs::read_dir(root.join(dir)).expect("a folder").flatten() {
            rust_files(&e.path().join("src"), &mut files);
            rust_files(&e.path().join("tests"), &mut files);
        }
    }
    for dir in ["tests/src", "tests/tests", "tests/e2e", "tests/gaia"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut unexplained = vec![];
    for f in &files {
        let text = fs::read_to_string(f).expect("readable source");
        let lines = code(&text).lines().count();
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
        let why = header.iter().any(|l| l.starts_with("//! Why one file:"));
        if lines > LONG && !why {
            unexplained.push(format!(
                "{} ({lines} lines)",
                f.strip_prefix(&root).unwrap_or(f).display()
            ));
        }
    }
    assert!(
        unexplained.is_empty(),
        "files over {LONG} lines without a `//! Why one file:` paragraph at their top:\n{}",
        unexplained.join("\n")
    );
}
