//! Fields read on `event`, `member`, `member.stats` and line items that do not exist,
//! found when a club is checked.
//!
//! Rhai looks a property up only when it runs, so `event.wekday` compiled, passed
//! `check`, and failed at the first purchase that reached it (issue 19). What scripts can
//! read is fixed by bashgah, not by the club: the getters in `script_values`. So every read
//! of `event.<name>` or `member.<name>` in a function taking `event` or `member` can be
//! checked before any event runs, as can `member.stats.<name>` and `item.<name>` for the
//! variable of a `for item in event.items` loop. Columns bashgah has no meaning for arrive
//! in `event.attributes` and `member.attributes`, whose keys are the data's: they are never
//! checked.

use rhai::{ASTNode, Expr, Position, Stmt, AST};

use super::script_values::{EVENT_FIELDS, ITEM_FIELDS, MEMBER_FIELDS, STATS_FIELDS};

/// A read of a field that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// What it was read on, as a script writes it: `event`, `member`, `member.stats`, or
    /// the loop variable of a line item (`item`).
    pub owner: String,
    /// The fields `owner` has.
    pub known: &'static [&'static str],
    pub name: String,
    pub line: usize,
    pub column: usize,
    /// The closest known field, if one is close enough to be a typo.
    pub suggestion: Option<&'static str>,
}

/// What a function's parameter holds, where it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Event,
    Member,
}

/// Every read in `ast` of a field `event`, `member`, `member.stats` or a line item lacks,
/// in functions whose parameters are named `event` and `member`.
pub fn unknown_fields(ast: &AST) -> Vec<UnknownField> {
    unknown_fields_in(ast, &[])
}

/// As [`unknown_fields`], and also in the functions named in `called_with_event_and_member`
/// — the club's rules, which bashgah calls as `(event, member)` — whatever their parameters
/// are named: `fn base(e, m) { e.amont }` is found too.
pub fn unknown_fields_in(ast: &AST, called_with_event_and_member: &[&str]) -> Vec<UnknownField> {
    let mut found = Vec::new();
    for function in ast.iter_functions() {
        let (name, arity) = (function.name, function.params.len());
        // This one function alone. (`clone_functions_only_filtered` keeps them all when it
        // copies into an empty module, as of rhai 1.27: a check would then see one
        // function's parameters as another's.)
        let mut one = ast.clone_functions_only();
        one.retain_functions(|_, _, n, a| n == name && a == arity);
        let called_as_rule = arity == 2 && called_with_event_and_member.contains(&name);
        // Only the parameters are known to be an event or a member: a function that
        // declares a variable of that name is holding something else.
        let mut checked: Vec<(&str, Role)> = function
            .params
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match (*p, called_as_rule, i) {
                (_, true, 0) | ("event", _, _) => Some((*p, Role::Event)),
                (_, true, 1) | ("member", _, _) => Some((*p, Role::Member)),
                _ => None,
            })
            .collect();
        one.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Stmt(Stmt::Var(var, ..))) = path.last() {
                checked.retain(|(p, _)| *p != var.0.name.as_str());
            }
            true
        });
        if checked.is_empty() {
            continue;
        }
        one.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(Expr::Dot(dot, ..))) = path.last() {
                if let Some(variable) = variable_name(&dot.lhs) {
                    check_read(variable, &dot.rhs, path, &checked, &mut found);
                }
            }
            true
        });
    }
    found.sort_by_key(|f| (f.line, f.column));
    found.dedup();
    found
}

/// Checks `variable.<rhs>`: on `event` and `member` the first property, on
/// `member.stats` the second, on the variable of a loop over `event.items` the first.
fn check_read(
    variable: &str,
    rhs: &Expr,
    path: &[ASTNode],
    checked: &[(&str, Role)],
    found: &mut Vec<UnknownField>,
) {
    let Some((name, position, rest)) = first_property(rhs) else {
        return;
    };
    let role = checked
        .iter()
        .find(|(p, _)| *p == variable)
        .map(|(_, r)| *r);
    let known: &'static [&'static str] = if let Some(role) = role {
        match role {
            Role::Event => &EVENT_FIELDS,
            Role::Member => &MEMBER_FIELDS,
        }
    } else if is_item_variable(variable, path, checked) {
        &ITEM_FIELDS
    } else {
        return;
    };
    if !known.contains(&name) {
        found.push(unknown(variable.to_owned(), known, name, position));
        return;
    }
    if role == Some(Role::Member) && name == "stats" {
        if let Some((stat, position, _)) = rest.and_then(first_property) {
            if !STATS_FIELDS.contains(&stat) {
                found.push(unknown(
                    format!("{variable}.stats"),
                    &STATS_FIELDS,
                    stat,
                    position,
                ));
            }
        }
    }
}

fn unknown(
    owner: String,
    known: &'static [&'static str],
    name: &str,
    position: Position,
) -> UnknownField {
    UnknownField {
        owner,
        known,
        name: name.to_owned(),
        line: position.line().unwrap_or(0),
        column: position.position().unwrap_or(1),
        suggestion: crate::diagnostic::did_you_mean(name, known.iter().copied()),
    }
}

/// The name of a plain (not module-qualified) variable.
fn variable_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Variable(variable, ..) if variable.2.is_empty() => Some(variable.1.as_str()),
        _ => None,
    }
}

/// The property read first in the right-hand side of a dot, with where it is written and
/// what is read on it next (`stats` and `.spend_30d` in `member.stats.spend_30d`). A
/// method call (`event.items.len()`) is no property.
fn first_property(rhs: &Expr) -> Option<(&str, Position, Option<&Expr>)> {
    match rhs {
        Expr::Property(property, position) => Some((property.2.as_str(), *position, None)),
        Expr::Dot(inner, ..) | Expr::Index(inner, ..) => match &inner.lhs {
            Expr::Property(property, position) => {
                Some((property.2.as_str(), *position, Some(&inner.rhs)))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether `variable` is, where it is read, the variable of a `for … in event.items` loop
/// around the read.
fn is_item_variable(variable: &str, path: &[ASTNode], checked: &[(&str, Role)]) -> bool {
    path.iter().rev().any(|node| match node {
        ASTNode::Stmt(Stmt::For(looping, ..)) => {
            looping.0.name.as_str() == variable
                && matches!(&looping.2.expr, Expr::Dot(dot, ..)
                    if variable_name(&dot.lhs).is_some_and(|lhs| checked.contains(&(lhs, Role::Event)))
                        && matches!(&dot.rhs, Expr::Property(p, _) if p.2.as_str() == "items"))
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{ScriptEngine, ScriptLimits};

    fn fields(script: &str) -> Vec<(String, String, usize, usize, Option<&'static str>)> {
        let engine = ScriptEngine::new(ScriptLimits::default(), None);
        let ast = engine.engine().compile(script).expect("compiles");
        unknown_fields(&ast)
            .into_iter()
            .map(|f| (f.owner, f.name, f.line, f.column, f.suggestion))
            .collect()
    }

    /// A rule's function is called as `(event, member)`: its parameters are checked by
    /// position, whatever their names; other functions' are not.
    #[test]
    fn a_rules_parameters_are_checked_by_position_whatever_their_names() {
        let engine = ScriptEngine::new(ScriptLimits::default(), None);
        let script = "fn base(e, m) {\n    if m.stats.spend_3d > 0 { e.amont } else { 0 }\n}\nfn helper(e, m) { e.amont }\n";
        let ast = engine.engine().compile(script).expect("compiles");
        let found: Vec<(String, String, usize, usize)> = unknown_fields_in(&ast, &["base"])
            .into_iter()
            .map(|f| (f.owner, f.name, f.line, f.column))
            .collect();
        assert_eq!(
            found,
            [
                ("m.stats".to_owned(), "spend_3d".to_owned(), 2, 16),
                ("e".to_owned(), "amont".to_owned(), 2, 33),
            ]
        );
        assert_eq!(unknown_fields(&ast), []);
    }

    fn one(
        owner: &str,
        name: &str,
        line: usize,
        column: usize,
        near: Option<&'static str>,
    ) -> (String, String, usize, usize, Option<&'static str>) {
        (owner.into(), name.into(), line, column, near)
    }

    #[test]
    fn a_misspelt_event_field_is_found_where_it_is_written() {
        let found = fields("fn base(event, member) {\n    if event.wekday == \"fri\" { 0 } else { event.amount }\n}\n");
        assert_eq!(found, vec![one("event", "wekday", 2, 14, Some("weekday"))]);
    }

    #[test]
    fn member_stats_and_line_item_fields_are_checked() {
        let script = "fn base(event, member) {\n\
            let n = member.stats.spend_3d + member.tiers.len();\n\
            for item in event.items { n += item.qtty; }\n\
            n\n\
            }\n";
        assert_eq!(
            fields(script),
            vec![
                one("member.stats", "spend_3d", 2, 22, Some("spend_30d")),
                one("member", "tiers", 2, 40, Some("tier")),
                one("item", "qtty", 3, 37, Some("qty")),
            ]
        );
    }

    #[test]
    fn attributes_methods_and_other_variables_are_left_alone() {
        let script = "fn base(event, member) {\n\
            let x = event.attributes.anything + member.attributes.vip;\n\
            let m = #{a: 1};\n\
            let n = m.whatever + event.items.len();\n\
            for item in [m] { n += item.b; }\n\
            n + member.stats.spend_30d + event.items[0].sku\n\
            }\n\
            fn other(event) { let event = #{x: 1}; event.x }\n";
        assert_eq!(fields(script), vec![]);
    }

    #[test]
    fn the_lists_are_what_the_engine_registers() {
        let engine = ScriptEngine::new(ScriptLimits::default(), None);
        let getters: Vec<String> = engine
            .engine()
            .gen_fn_signatures(false)
            .into_iter()
            .filter(|s| s.starts_with("get$"))
            .collect();
        let count = |ty: &str| getters.iter().filter(|s| s.contains(ty)).count();
        assert_eq!(count("Event"), EVENT_FIELDS.len(), "{getters:?}");
        assert_eq!(count("Member"), MEMBER_FIELDS.len(), "{getters:?}");
    }
}
