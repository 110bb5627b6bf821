//! Calls to functions that exist nowhere, found when a club is checked.
//!
//! Rhai resolves a function call only when it runs, so a script calling `open_file(…)` (or
//! `rates::rat(…)` for `rates::rate`) compiles, passes `check`, and fails at the first
//! purchase that reaches the call. Every name a script can call is known before any event
//! runs: the engine's own functions and bashgah's helpers, the functions the script
//! defines, and those of the plugins it imports. This walks each script's syntax tree and
//! reports every call to a name in none of them, where it is written.

use std::collections::{BTreeSet, HashMap};

use rhai::{ASTNode, Engine, Expr, FnCallExpr, Position, Stmt, AST};

/// A call to a function no one defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCall {
    /// The name as written: `open_file`, or `rates::rat` for a plugin's function.
    pub name: String,
    pub line: usize,
    pub column: usize,
    /// The closest known name, if one is close enough to be a typo.
    pub suggestion: Option<String>,
}

/// Functions Rhai handles itself: they are keywords, not registered functions.
const KEYWORD_FUNCTIONS: [&str; 11] = [
    "print",
    "debug",
    "type_of",
    "eval",
    "Fn",
    "call",
    "curry",
    "is_shared",
    "is_def_var",
    "is_def_fn",
    "is_def",
];

/// Every function name `engine` knows without any script: standard library, bashgah's
/// helpers and the event and member accessors.
pub fn engine_functions(engine: &Engine) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = engine
        .gen_fn_signatures(true)
        .into_iter()
        .filter_map(|signature| signature.split('(').next().map(str::to_owned))
        .collect();
    names.extend(KEYWORD_FUNCTIONS.iter().map(|name| (*name).to_owned()));
    names
}

/// The calls in `ast` to functions that neither `known` (the engine's), the script itself
/// nor the plugins it imports define.
pub fn unknown_calls(engine: &Engine, known: &BTreeSet<String>, ast: &AST) -> Vec<UnknownCall> {
    let own: BTreeSet<String> = ast.iter_functions().map(|f| f.name.to_owned()).collect();
    let plugins = imported_plugins(engine, ast);
    let mut unknown = Vec::new();
    let mut visit = |call: &FnCallExpr, position: Position| {
        // Operators (`+`, `==`, `in`…) are calls too, resolved by Rhai's built-ins.
        if call.is_operator_call()
            || !call
                .name
                .starts_with(|c: char| c.is_alphabetic() || c == '_')
        {
            return;
        }
        let name = call.name.as_str();
        let found = if call.namespace.is_empty() {
            // An anonymous function (`|x| …`) is a script function with a generated name.
            own.contains(name) || known.contains(name) || name.starts_with("anon$")
        } else if call.namespace.path.len() == 1 {
            match plugins.get(call.namespace.root()) {
                Some(Some(functions)) => functions.contains(name),
                // A plugin that cannot be resolved is reported by the top-level run.
                Some(None) => true,
                // Not an imported alias: Rhai's static modules (`int::MAX`…) or a
                // global one; leave it to the run.
                None => true,
            }
        } else {
            true
        };
        if found {
            return;
        }
        let (written, candidates): (String, Vec<&String>) = if call.namespace.is_empty() {
            (name.to_owned(), own.iter().chain(known.iter()).collect())
        } else {
            let root = call.namespace.root();
            let functions = plugins.get(root).and_then(Option::as_ref);
            (
                format!("{root}::{name}"),
                functions.map(|f| f.iter().collect()).unwrap_or_default(),
            )
        };
        // A qualified call is shown from its namespace, as written.
        let position = if call.namespace.is_empty() {
            position
        } else {
            call.namespace.position()
        };
        unknown.push(UnknownCall {
            name: written,
            line: position.line().unwrap_or(0),
            column: position.position().unwrap_or(1),
            suggestion: closest(name, candidates),
        });
    };
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, position)))
            | Some(ASTNode::Expr(Expr::MethodCall(call, position)))
            | Some(ASTNode::Stmt(Stmt::FnCall(call, position))) => visit(call, *position),
            _ => {}
        }
        true
    });
    unknown.sort_by_key(|call| (call.line, call.column));
    unknown.dedup();
    unknown
}

/// `import "name" as alias` statements at the top of `ast`: alias → the plugin's function
/// names, or `None` if the plugin cannot be resolved.
fn imported_plugins(engine: &Engine, ast: &AST) -> HashMap<String, Option<BTreeSet<String>>> {
    let mut plugins = HashMap::new();
    for statement in ast.statements() {
        let Stmt::Import(import, position) = statement else {
            continue;
        };
        let (path, alias) = import.as_ref();
        let Some(name) = path
            .get_literal_value(None)
            .and_then(|value| value.into_immutable_string().ok())
        else {
            continue;
        };
        let functions = engine
            .module_resolver()
            .resolve(engine, ast.source(), &name, *position)
            .ok()
            .map(|module| {
                let mut names: BTreeSet<String> = module
                    .iter_script_fn_info()
                    .map(|(.., name, _, _)| name.to_owned())
                    .collect();
                names.extend(
                    module
                        .gen_fn_signatures_with_mapper(Into::into)
                        .filter_map(|s| s.split('(').next().map(str::to_owned)),
                );
                names
            });
        plugins.insert(alias.name.to_string(), functions);
    }
    plugins
}

fn closest(name: &str, candidates: Vec<&String>) -> Option<String> {
    // Rhai's generated names (`get$x`, `anon$…`) are never what a user meant.
    let candidates = candidates
        .into_iter()
        .filter(|candidate| !candidate.contains('$'))
        .map(String::as_str);
    crate::diagnostic::did_you_mean(name, candidates).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{ScriptEngine, ScriptLimits};

    fn calls(script: &str) -> Vec<UnknownCall> {
        let engine = ScriptEngine::new(ScriptLimits::default(), None);
        let ast = engine.engine().compile(script).expect("compiles");
        unknown_calls(engine.engine(), &engine_functions(engine.engine()), &ast)
    }

    #[test]
    fn a_call_to_a_missing_function_is_found_where_it_is_written() {
        let found = calls("fn base(event, member) {\n  let f = open_file(\"x\");\n  0\n}\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "open_file");
        assert_eq!((found[0].line, found[0].column), (2, 11));
    }

    #[test]
    fn a_typo_of_a_known_function_gets_a_suggestion() {
        let found = calls("fn base(event, member) { awrd(5, \"x\") }\nfn helper(x) { x }\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].suggestion.as_deref(), Some("award"));
    }

    #[test]
    fn own_functions_standard_library_methods_operators_and_keywords_are_known() {
        let script = "fn helper(x) { x * 2 }\n\
             fn base(event, member) {\n\
               let items = [1, 2, 3];\n\
               let n = items.len() + helper(2) + max(1, 2);\n\
               let f = |x| x + 1;\n\
               print(type_of(n));\n\
               if n in items { n } else { f.call(n) + award(1, \"x\").points }\n\
             }\n";
        assert_eq!(calls(script), vec![]);
    }
}
