//! Script functions simple enough to run without Rhai's interpreter.
//!
//! Most earning rules are a line or two: `event.amount / 10000`, an `if` on the weekday,
//! `award(50, "big basket")`. Called through Rhai, each call still sets up a scope and a
//! call state, resolves every function and getter it reaches, and checks its limits: a
//! fifth of the realistic benchmark club's deciding thread at a million purchases
//! (`docs/PERFORMANCE.md`, nineteenth stop), for three or four such lines a purchase.
//!
//! When a club loads, each function of a script whose body uses only what this module
//! knows — `let`, `if`/`else`, `return`, constants, parameters and locals, the event's and
//! member's fields and maps' keys, arithmetic and comparisons on integers, decimals,
//! strings, booleans and `()`, `&&`, `||`, `!`, `in`, `starts_with`, `ends_with`,
//! `contains`, `award`, `decimal` and calls to other such functions of the same script —
//! is translated into a small tree ([`Function`]) that computes the same [`Dynamic`]
//! values with the same operations Rhai's built-ins use. Anything else is not translated,
//! and the function runs in Rhai as before.
//!
//! Rhai stays the reference. A translated function that meets a value it was not written
//! for (a type it does not combine, a missing map key, an overflow, a division by zero,
//! a text larger than the engine's limits) gives up ([`GiveUp`]), and the call is run
//! again through Rhai, which then gives the exact answer or the exact error. Running
//! twice is harmless: a script call is pure (deciding writes nothing), and the fields it
//! read are noted once for a trace whichever way they were read. The tests compare both
//! ways: every operator on every pair of kinds, the shipped clubs' rules over a grid of
//! events and members, and generated functions.

use std::collections::HashMap;
use std::sync::Arc;

use rhai::{ASTFlags, ASTNode, Dynamic, Expr, FnCallExpr, ImmutableString, Map, Stmt, AST, INT};
use rust_decimal::Decimal;

use super::script_values::{event_field, member_field, ScriptEvent, ScriptMember};
use super::ScriptLimits;

/// Why a translated function gave its call back to Rhai: something it does not decide
/// for itself. Not an error: Rhai runs the call and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiveUp;

type Outcome<T> = Result<T, GiveUp>;

/// The translated functions of one script, by name and number of parameters.
#[derive(Debug, Clone, Default)]
pub struct NativeFunctions {
    /// By name, then by number of parameters (looked up by `&str`, without a key made
    /// for each call).
    functions: HashMap<String, Vec<Arc<Function>>>,
    sizes: Sizes,
}

/// A script function as a tree.
#[derive(Debug)]
pub struct Function {
    params: usize,
    body: Block,
}

/// The most a call may make of each kind of data before Rhai would refuse it: texts,
/// arrays and maps (the engine's limits, [`ScriptLimits`]).
#[derive(Debug, Clone, Copy, Default)]
struct Sizes {
    string: usize,
    array: usize,
    map: usize,
}

type Block = Box<[Step]>;

#[derive(Debug)]
enum Step {
    /// `let name = value;`: a new local in the next slot.
    Let(Node),
    /// An expression as a statement; its value is the block's if it is the last.
    Value(Node),
    If(Node, Block, Block),
    Block(Block),
    /// `return value;` (`return;` returns `()`).
    Return(Node),
}

#[derive(Debug)]
enum Node {
    Constant(Dynamic),
    /// A parameter or local, by its slot.
    Local(usize),
    /// `value.name`: an event's or member's field, or a map's key.
    Field(Box<Node>, ImmutableString),
    /// `text.starts_with(other)` and the like.
    Text(TextTest, Box<[Node; 2]>),
    Binary(Operator, Box<[Node; 2]>),
    Negate(Box<Node>),
    Not(Box<Node>),
    And(Box<[Node]>),
    Or(Box<[Node]>),
    /// `item in container`, Rhai's `contains(container, item)`.
    In(Box<[Node; 2]>),
    Award(Box<[Node; 2]>),
    Decimal(Box<Node>),
    Call(Arc<Function>, Box<[Node]>),
}

#[derive(Debug, Clone, Copy)]
enum TextTest {
    StartsWith,
    EndsWith,
    Contains,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Operator {
    fn of(name: &str) -> Option<Operator> {
        Some(match name {
            "+" => Operator::Add,
            "-" => Operator::Subtract,
            "*" => Operator::Multiply,
            "/" => Operator::Divide,
            "%" => Operator::Remainder,
            "==" => Operator::Equal,
            "!=" => Operator::NotEqual,
            "<" => Operator::Less,
            "<=" => Operator::LessOrEqual,
            ">" => Operator::Greater,
            ">=" => Operator::GreaterOrEqual,
            _ => return None,
        })
    }
}

/// The most nodes a translated function may reach through its calls: far below the
/// operations Rhai allows a call (200,000), so that a function Rhai would stop for running
/// too long is never one this module runs.
const MOST_NODES: usize = 10_000;
/// The deepest chain of calls translated, below Rhai's limit of call levels (32).
const DEEPEST_CALLS: usize = 16;

impl NativeFunctions {
    /// Translates what can be translated of `ast`'s functions. A script with top-level
    /// statements (an `import`, a constant) runs them before every call through Rhai, so
    /// none of its functions is translated.
    pub fn translate(ast: &AST, limits: &ScriptLimits) -> NativeFunctions {
        let sizes = Sizes {
            string: limits.max_string_size,
            array: limits.max_array_size,
            map: limits.max_map_size,
        };
        let limits_allow = limits.max_operations as usize > MOST_NODES * 4
            && limits.max_call_levels > DEEPEST_CALLS;
        if !ast.statements().is_empty() || !limits_allow {
            return NativeFunctions {
                functions: HashMap::new(),
                sizes,
            };
        }
        let mut translation = Translation {
            defined: ast
                .iter_fn_def()
                .filter(|f| f.this_type.is_none())
                .map(|f| {
                    let key = (f.name.clone(), f.params.len());
                    let body = body_of(ast, &f.name, f.params.len());
                    (key, (body, f.params.to_vec()))
                })
                .collect(),
            done: HashMap::new(),
            visiting: Vec::new(),
        };
        let keys: Vec<_> = translation.defined.keys().cloned().collect();
        let mut functions: HashMap<String, Vec<Arc<Function>>> = HashMap::new();
        for key in keys {
            if let Some((function, _, _)) = translation.function(&key) {
                functions
                    .entry(key.0.to_string())
                    .or_default()
                    .push(function);
            }
        }
        NativeFunctions { functions, sizes }
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// Runs `function` with `args` if it was translated: `None` when it was not, or when
    /// it gave up (the caller then runs it through Rhai).
    pub fn call(&self, function: &str, args: &[Dynamic]) -> Option<Dynamic> {
        let native = self.find(function, args.len())?;
        native.run(args, self.sizes).ok()
    }

    /// Whether `function` with `params` parameters was translated.
    pub fn has(&self, function: &str, params: usize) -> bool {
        self.find(function, params).is_some()
    }

    fn find(&self, function: &str, params: usize) -> Option<&Function> {
        let overloads = self.functions.get(function)?;
        overloads
            .iter()
            .find(|f| f.params == params)
            .map(Arc::as_ref)
    }
}

/// A script function's name and number of parameters.
type Key = (ImmutableString, usize);

/// A translated function, the nodes it reaches through its calls, and its depth of calls.
type Translated = (Arc<Function>, usize, usize);

/// What translating one script keeps track of.
struct Translation {
    /// The script's functions' bodies and parameters' names, by name and number of
    /// parameters.
    defined: HashMap<Key, (Arc<[Stmt]>, Vec<ImmutableString>)>,
    /// Each function tried, translated (with its size and depth of calls) or not.
    done: HashMap<Key, Option<Translated>>,
    /// The functions being translated: a call back to one of them is recursion, which is
    /// left to Rhai.
    visiting: Vec<Key>,
}

/// Names in scope while a function's body is translated, and what it has cost so far.
struct Scope {
    names: Vec<ImmutableString>,
    nodes: usize,
    depth: usize,
}

impl Translation {
    fn function(&mut self, key: &Key) -> Option<Translated> {
        if let Some(done) = self.done.get(key) {
            return done.clone();
        }
        if self.visiting.contains(key) {
            return None;
        }
        let (body, params) = self.defined.get(key)?.clone();
        self.visiting.push(key.clone());
        let mut scope = Scope {
            names: params,
            nodes: 0,
            depth: 0,
        };
        let body = self.block(&body, &mut scope);
        self.visiting.pop();
        let translated = body
            .filter(|_| scope.nodes <= MOST_NODES && scope.depth < DEEPEST_CALLS)
            .map(|body| {
                let function = Function {
                    params: key.1,
                    body,
                };
                (Arc::new(function), scope.nodes, scope.depth + 1)
            });
        self.done.insert(key.clone(), translated.clone());
        translated
    }

    /// Whether the script defines `name` with `params` parameters: then a call to that
    /// name is the script's, not the built-in this module knows by that name.
    fn defines(&self, name: &str, params: usize) -> bool {
        self.defined.contains_key(&(name.into(), params))
    }

    fn block(&mut self, statements: &[Stmt], scope: &mut Scope) -> Option<Block> {
        let outer = scope.names.len();
        let steps = statements
            .iter()
            .map(|statement| self.step(statement, scope))
            .collect::<Option<Block>>();
        scope.names.truncate(outer);
        steps
    }

    fn step(&mut self, statement: &Stmt, scope: &mut Scope) -> Option<Step> {
        scope.nodes += 1;
        Some(match statement {
            Stmt::Noop(_) => Step::Value(Node::Constant(Dynamic::UNIT)),
            Stmt::Expr(expr) => Step::Value(self.node(expr, scope)?),
            Stmt::FnCall(call, _) => Step::Value(self.call(call, scope)?),
            Stmt::Var(var, flags, _) if !flags.intersects(ASTFlags::EXPORTED) => {
                let (name, value, _) = var.as_ref();
                let value = self.node(value, scope)?;
                scope.names.push(name.name.clone());
                Step::Let(value)
            }
            Stmt::If(flow, _) => Step::If(
                self.node(&flow.expr, scope)?,
                self.block(flow.body.statements(), scope)?,
                self.block(flow.branch.statements(), scope)?,
            ),
            Stmt::Block(block) => Step::Block(self.block(block.statements(), scope)?),
            Stmt::Return(value, flags, _) if *flags == ASTFlags::NONE => {
                Step::Return(match value {
                    Some(value) => self.node(value, scope)?,
                    None => Node::Constant(Dynamic::UNIT),
                })
            }
            _ => return None,
        })
    }

    fn node(&mut self, expr: &Expr, scope: &mut Scope) -> Option<Node> {
        scope.nodes += 1;
        Some(match expr {
            Expr::IntegerConstant(value, _) => Node::Constant(Dynamic::from_int(*value)),
            Expr::BoolConstant(value, _) => Node::Constant(Dynamic::from_bool(*value)),
            Expr::StringConstant(value, _) => Node::Constant(value.clone().into()),
            Expr::Unit(_) => Node::Constant(Dynamic::UNIT),
            Expr::DynamicConstant(value, _) if is_plain(value) => {
                Node::Constant(value.as_ref().clone())
            }
            Expr::Variable(variable, _, _) => {
                let (_, name, namespace, _) = variable.as_ref();
                if !namespace.is_empty() {
                    return None;
                }
                Node::Local(scope.names.iter().rposition(|n| n == name)?)
            }
            Expr::Dot(chain, flags, _) if *flags == ASTFlags::NONE => {
                let receiver = self.node(&chain.lhs, scope)?;
                self.chain(receiver, &chain.rhs, scope)?
            }
            Expr::And(operands, _) => Node::And(self.nodes(operands, scope)?),
            Expr::Or(operands, _) => Node::Or(self.nodes(operands, scope)?),
            Expr::FnCall(call, _) => self.call(call, scope)?,
            _ => return None,
        })
    }

    fn nodes(&mut self, exprs: &[Expr], scope: &mut Scope) -> Option<Box<[Node]>> {
        exprs.iter().map(|e| self.node(e, scope)).collect()
    }

    fn pair(&mut self, exprs: &[Expr], scope: &mut Scope) -> Option<Box<[Node; 2]>> {
        let [a, b] = exprs else { return None };
        Some(Box::new([self.node(a, scope)?, self.node(b, scope)?]))
    }

    /// What follows a `.`: a field, a method, or a chain of them (`event.attributes.tax`).
    fn chain(&mut self, receiver: Node, rhs: &Expr, scope: &mut Scope) -> Option<Node> {
        scope.nodes += 1;
        match rhs {
            Expr::Property(property, _) => {
                Some(Node::Field(Box::new(receiver), property.2.clone()))
            }
            Expr::MethodCall(call, _) => {
                let test = match call.name.as_str() {
                    "starts_with" => TextTest::StartsWith,
                    "ends_with" => TextTest::EndsWith,
                    "contains" => TextTest::Contains,
                    _ => return None,
                };
                let [argument] = call.args.as_slice() else {
                    return None;
                };
                if !call.namespace.is_empty() || self.defines(&call.name, 2) {
                    return None;
                }
                let argument = self.node(argument, scope)?;
                Some(Node::Text(test, Box::new([receiver, argument])))
            }
            Expr::Dot(chain, flags, _) if *flags == ASTFlags::NONE => {
                let inner = self.chain(receiver, &chain.lhs, scope)?;
                self.chain(inner, &chain.rhs, scope)
            }
            _ => None,
        }
    }

    fn call(&mut self, call: &FnCallExpr, scope: &mut Scope) -> Option<Node> {
        if !call.namespace.is_empty() || call.capture_parent_scope {
            return None;
        }
        let name = call.name.as_str();
        let args = call.args.as_slice();
        if call.is_operator_call() {
            return Some(match (name, args.len()) {
                ("-", 1) => Node::Negate(Box::new(self.node(&args[0], scope)?)),
                ("!", 1) => Node::Not(Box::new(self.node(&args[0], scope)?)),
                ("contains", 2) if !self.defines(name, 2) => Node::In(self.pair(args, scope)?),
                (_, 2) => Node::Binary(Operator::of(name)?, self.pair(args, scope)?),
                _ => return None,
            });
        }
        let key = (call.name.clone(), args.len());
        if self.defined.contains_key(&key) {
            let (function, nodes, depth) = self.function(&key)?;
            scope.nodes = scope.nodes.saturating_add(nodes);
            scope.depth = scope.depth.max(depth);
            return Some(Node::Call(function, self.nodes(args, scope)?));
        }
        Some(match (name, args.len()) {
            ("award", 2) => Node::Award(self.pair(args, scope)?),
            ("decimal", 1) => Node::Decimal(Box::new(self.node(&args[0], scope)?)),
            ("contains", 2) => Node::In(self.pair(args, scope)?),
            _ => return None,
        })
    }
}

/// The statements of the function `name` with `params` parameters. (Rhai does not name
/// the type that holds a function's body outside the crate; walking an AST of that one
/// function reaches its statements.)
fn body_of(ast: &AST, name: &str, params: usize) -> Arc<[Stmt]> {
    // (`clone_functions_only_filtered` keeps every function when it copies into an empty
    // module, in rhai 1.27: `retain_functions` is the filter that filters.)
    let mut alone = ast.clone_functions_only();
    alone.retain_functions(|_, _, n, p| n == name && p == params);
    let mut statements = Vec::new();
    alone.walk(&mut |path: &[ASTNode]| {
        if let [ASTNode::Stmt(statement)] = path {
            statements.push((*statement).clone());
        }
        true
    });
    statements.into()
}

/// A constant Rhai folded into one value: only the kinds this module computes with.
fn is_plain(value: &Dynamic) -> bool {
    value.is_int() || value.is_decimal() || value.is_bool() || value.is_string() || value.is_unit()
}

/// How a block ended: with its last value, or with a `return`.
enum Flow {
    Value(Dynamic),
    Return(Dynamic),
}

impl Function {
    fn run(&self, args: &[Dynamic], sizes: Sizes) -> Outcome<Dynamic> {
        debug_assert_eq!(args.len(), self.params);
        let mut frame = Frame {
            args,
            locals: Vec::new(),
            sizes,
        };
        Ok(match run_block(&self.body, &mut frame)? {
            Flow::Value(value) | Flow::Return(value) => value,
        })
    }
}

/// A call's values: its arguments (borrowed from the caller), then its locals, in the
/// slots translation gave them.
struct Frame<'a> {
    args: &'a [Dynamic],
    locals: Vec<Dynamic>,
    sizes: Sizes,
}

impl Frame<'_> {
    fn get(&self, slot: usize) -> Outcome<&Dynamic> {
        match slot.checked_sub(self.args.len()) {
            None => self.args.get(slot).ok_or(GiveUp),
            Some(local) => self.locals.get(local).ok_or(GiveUp),
        }
    }
}

fn run_block(block: &[Step], frame: &mut Frame<'_>) -> Outcome<Flow> {
    let outer = frame.locals.len();
    let mut last = Dynamic::UNIT;
    for step in block {
        last = match step {
            Step::Let(value) => {
                let value = value.eval(frame)?;
                frame.locals.push(value);
                Dynamic::UNIT
            }
            Step::Value(value) => value.eval(frame)?,
            Step::If(condition, then, otherwise) => {
                let branch = if truth(&condition.eval(frame)?)? {
                    then
                } else {
                    otherwise
                };
                match run_block(branch, frame)? {
                    Flow::Value(value) => value,
                    returned => return Ok(returned),
                }
            }
            Step::Block(inner) => match run_block(inner, frame)? {
                Flow::Value(value) => value,
                returned => return Ok(returned),
            },
            Step::Return(value) => return Ok(Flow::Return(value.eval(frame)?)),
        };
    }
    frame.locals.truncate(outer);
    Ok(Flow::Value(last))
}

fn truth(value: &Dynamic) -> Outcome<bool> {
    value.as_bool().map_err(|_| GiveUp)
}

fn text(value: &Dynamic) -> Outcome<ImmutableString> {
    value.clone().into_immutable_string().map_err(|_| GiveUp)
}

impl Node {
    fn eval(&self, frame: &mut Frame<'_>) -> Outcome<Dynamic> {
        Ok(match self {
            Node::Constant(value) => value.clone(),
            Node::Local(slot) => frame.get(*slot)?.clone(),
            Node::Field(receiver, name) => {
                // A parameter's field (`event.amount`) is read where the value is.
                let value = match receiver.as_ref() {
                    Node::Local(slot) => field(frame.get(*slot)?, name)?,
                    receiver => field(&receiver.eval(frame)?, name)?,
                };
                frame.sizes.allow(&value)?;
                value
            }
            Node::Text(test, operands) => {
                let [receiver, argument] = operands.as_ref();
                let receiver = text(&receiver.eval(frame)?)?;
                let argument = text(&argument.eval(frame)?)?;
                Dynamic::from_bool(match test {
                    TextTest::StartsWith => receiver.starts_with(argument.as_str()),
                    TextTest::EndsWith => receiver.ends_with(argument.as_str()),
                    TextTest::Contains => receiver.contains(argument.as_str()),
                })
            }
            Node::Binary(operator, operands) => {
                let [a, b] = operands.as_ref();
                let a = a.eval(frame)?;
                let b = b.eval(frame)?;
                binary(*operator, &a, &b)?
            }
            Node::Negate(operand) => {
                let value = operand.eval(frame)?;
                if let Ok(n) = value.as_int() {
                    Dynamic::from_int(n.checked_neg().ok_or(GiveUp)?)
                } else {
                    Dynamic::from_decimal(-value.as_decimal().map_err(|_| GiveUp)?)
                }
            }
            Node::Not(operand) => Dynamic::from_bool(!truth(&operand.eval(frame)?)?),
            Node::And(operands) => {
                for operand in operands.iter() {
                    if !truth(&operand.eval(frame)?)? {
                        return Ok(Dynamic::FALSE);
                    }
                }
                Dynamic::TRUE
            }
            Node::Or(operands) => {
                for operand in operands.iter() {
                    if truth(&operand.eval(frame)?)? {
                        return Ok(Dynamic::TRUE);
                    }
                }
                Dynamic::FALSE
            }
            Node::In(operands) => {
                let [container, item] = operands.as_ref();
                let container = container.eval(frame)?;
                let item = item.eval(frame)?;
                Dynamic::from_bool(contains(&container, &item)?)
            }
            Node::Award(operands) => {
                let [points, reason] = operands.as_ref();
                let points = points.eval(frame)?;
                let reason = text(&reason.eval(frame)?)?;
                if !(points.is_int() || points.is_decimal()) {
                    return Err(GiveUp);
                }
                super::script_engine::award(points, &reason).into()
            }
            Node::Decimal(operand) => {
                let value = operand.eval(frame)?;
                Dynamic::from_decimal(if let Ok(n) = value.as_int() {
                    Decimal::from(n)
                } else if value.is_decimal() {
                    value.as_decimal().map_err(|_| GiveUp)?
                } else {
                    crate::amount::parse_amount(&text(&value)?).map_err(|_| GiveUp)?
                })
            }
            Node::Call(function, args) => {
                let args = args
                    .iter()
                    .map(|arg| arg.eval(frame))
                    .collect::<Outcome<Vec<_>>>()?;
                function.run(&args, frame.sizes)?
            }
        })
    }
}

/// `receiver.name`: the getter of an event or member, or a map's key (a key that is not
/// there is an error in Rhai, as the engine is set up: left to it).
fn field(receiver: &Dynamic, name: &str) -> Outcome<Dynamic> {
    if let Some(event) = receiver.read_lock::<ScriptEvent>() {
        return event_field(&event, name).ok_or(GiveUp);
    }
    if let Some(member) = receiver.read_lock::<ScriptMember>() {
        return member_field(&member, name).ok_or(GiveUp);
    }
    if let Some(map) = receiver.read_lock::<Map>() {
        return map.get(name).cloned().ok_or(GiveUp);
    }
    Err(GiveUp)
}

impl Sizes {
    /// Gives up on a value larger than the engine lets a call make, so that Rhai reports it.
    fn allow(&self, value: &Dynamic) -> Outcome<()> {
        let (arrays, maps, strings) = data_sizes(value);
        if arrays > self.array || maps > self.map || strings > self.string {
            return Err(GiveUp);
        }
        Ok(())
    }
}

/// Elements of arrays, entries of maps and bytes of texts in `value`, counted as Rhai
/// counts them against its limits.
fn data_sizes(value: &Dynamic) -> (usize, usize, usize) {
    if let Some(text) = value.read_lock::<ImmutableString>() {
        return (0, 0, text.len());
    }
    let mut total = (0, 0, 0);
    let mut add = |inner: &Dynamic, array: usize, map: usize| {
        let (a, m, s) = data_sizes(inner);
        total = (total.0 + a + array, total.1 + m + map, total.2 + s);
    };
    if let Some(array) = value.read_lock::<rhai::Array>() {
        array.iter().for_each(|item| add(item, 1, 0));
    } else if let Some(map) = value.read_lock::<Map>() {
        map.values().for_each(|item| add(item, 0, 1));
    }
    total
}

/// The kinds of value Rhai's built-in operators combine here.
enum Kind {
    Int(INT),
    Decimal,
    Bool(bool),
    Text(rhai::ImmutableString),
    Unit,
    Other,
}

fn kind(value: &Dynamic) -> Kind {
    if let Ok(n) = value.as_int() {
        Kind::Int(n)
    } else if value.is_decimal() {
        Kind::Decimal
    } else if let Ok(b) = value.as_bool() {
        Kind::Bool(b)
    } else if value.is_string() {
        value
            .clone()
            .into_immutable_string()
            .map_or(Kind::Other, Kind::Text)
    } else if value.is_unit() {
        Kind::Unit
    } else {
        Kind::Other
    }
}

/// What an arithmetic operator gives for two numbers of one kind through that kind's
/// checked operations (`checked`: add, subtract, multiply, divide, remainder, in that
/// order): `None` for an operator that is not arithmetic, `Some(None)` for an overflow
/// or a division by zero.
fn arithmetic<T>(
    operator: Operator,
    x: T,
    y: T,
    checked: [fn(T, T) -> Option<T>; 5],
) -> Option<Option<T>> {
    let at = match operator {
        Operator::Add => 0,
        Operator::Subtract => 1,
        Operator::Multiply => 2,
        Operator::Divide => 3,
        Operator::Remainder => 4,
        _ => return None,
    };
    Some(checked[at](x, y))
}

/// `a operator b` as Rhai's built-in operators compute it: integers with checked
/// arithmetic, decimals (an integer beside a decimal becomes one), texts, booleans and
/// `()` compared, and two different kinds never equal.
fn binary(operator: Operator, a: &Dynamic, b: &Dynamic) -> Outcome<Dynamic> {
    use std::cmp::Ordering;
    use Operator::*;
    let ordering: Option<Ordering> = match (kind(a), kind(b)) {
        (Kind::Int(x), Kind::Int(y)) => {
            let checked = [
                INT::checked_add,
                INT::checked_sub,
                INT::checked_mul,
                INT::checked_div,
                INT::checked_rem,
            ];
            if let Some(result) = arithmetic(operator, x, y, checked) {
                return result.map(Dynamic::from_int).ok_or(GiveUp);
            }
            Some(x.cmp(&y))
        }
        (Kind::Int(_) | Kind::Decimal, Kind::Int(_) | Kind::Decimal) => {
            let x = number(a)?;
            let y = number(b)?;
            let checked = [
                Decimal::checked_add,
                Decimal::checked_sub,
                Decimal::checked_mul,
                Decimal::checked_div,
                Decimal::checked_rem,
            ];
            if let Some(result) = arithmetic(operator, x, y, checked) {
                return result.map(Dynamic::from_decimal).ok_or(GiveUp);
            }
            Some(x.cmp(&y))
        }
        (Kind::Text(x), Kind::Text(y)) => Some(x.as_str().cmp(y.as_str())),
        (Kind::Bool(x), Kind::Bool(y)) => Some(x.cmp(&y)),
        (Kind::Unit, Kind::Unit) => {
            return match operator {
                Equal => Ok(Dynamic::TRUE),
                NotEqual | Less | LessOrEqual | Greater | GreaterOrEqual => Ok(Dynamic::FALSE),
                _ => Err(GiveUp),
            }
        }
        (Kind::Other, _) | (_, Kind::Other) => return Err(GiveUp),
        // Two different kinds, not both numbers: never equal, never ordered.
        _ => None,
    };
    let Some(ordering) = ordering else {
        return match operator {
            NotEqual => Ok(Dynamic::TRUE),
            Equal | Less | LessOrEqual | Greater | GreaterOrEqual => Ok(Dynamic::FALSE),
            _ => Err(GiveUp),
        };
    };
    let result = match operator {
        Equal => ordering.is_eq(),
        NotEqual => ordering.is_ne(),
        Less => ordering.is_lt(),
        LessOrEqual => ordering.is_le(),
        Greater => ordering.is_gt(),
        GreaterOrEqual => ordering.is_ge(),
        // Arithmetic on texts, booleans or two kinds: Rhai's own (or its error).
        _ => return Err(GiveUp),
    };
    Ok(Dynamic::from_bool(result))
}

fn number(value: &Dynamic) -> Outcome<Decimal> {
    match value.as_int() {
        Ok(n) => Ok(Decimal::from(n)),
        Err(_) => value.as_decimal().map_err(|_| GiveUp),
    }
}

/// `item in container`: a map's key, a text's part, or an array's element equal to it.
fn contains(container: &Dynamic, item: &Dynamic) -> Outcome<bool> {
    if let Some(map) = container.read_lock::<Map>() {
        return Ok(map.contains_key(text(item)?.as_str()));
    }
    if let Some(array) = container.read_lock::<rhai::Array>() {
        for element in array.iter() {
            if truth(&binary(Operator::Equal, element, item)?)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if container.is_string() {
        return Ok(text(container)?.contains(text(item)?.as_str()));
    }
    Err(GiveUp)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::{Duration, NaiveDate, TimeZone, Utc};
    use rust_decimal::Decimal;

    use super::*;
    use crate::event::{Event, EventType};
    use crate::member::MemberState;
    use crate::policy::script_values::{event_value, member_value, record_reads};
    use crate::policy::{Policy, ScriptEngine, ScriptLimits};

    /// Whether two values are the same to whoever reads them: kind and exact contents
    /// (a decimal's scale included).
    fn same(a: &Dynamic, b: &Dynamic) -> bool {
        a.type_name() == b.type_name() && format!("{a:?}") == format!("{b:?}")
    }

    /// Calls `function` of script 0 both ways. Giving a call back to Rhai is always
    /// allowed; answering other than Rhai, or where Rhai fails, is the defect. Returns
    /// whether the translated function answered, or `None` when Rhai failed.
    fn agree(policy: &Policy, function: &str, args: &[Dynamic]) -> Option<bool> {
        let native = policy.scripts[0].native.call(function, args);
        let rhai = policy.call_in_rhai(0, function, args.to_vec());
        match (&native, &rhai) {
            (None, Ok(_)) => Some(false),
            (None, Err(_)) => None,
            (Some(n), Ok(r)) => {
                assert!(
                    same(n, r),
                    "`{function}{args:?}`: translated {n:?}, Rhai {r:?}"
                );
                Some(true)
            }
            (Some(n), Err(e)) => panic!("`{function}{args:?}`: translated {n:?}, Rhai failed: {e}"),
        }
    }

    fn club(earn: &str) -> (tempfile::TempDir, Policy) {
        crate::policy::scratch_club(
            "id: shop\nname: Shop\ncurrency: IRR\ntimezone: UTC\nrules:\n  - {id: base, function: base}\n",
            &format!("fn base(event, member) {{ 0 }}\n{earn}"),
        )
    }

    fn values() -> Vec<Dynamic> {
        let decimal = |text: &str| Dynamic::from_decimal(Decimal::from_str(text).unwrap());
        let mut map = Map::new();
        map.insert("a".into(), Dynamic::from_int(1));
        vec![
            Dynamic::from_int(0),
            Dynamic::from_int(7),
            Dynamic::from_int(-3),
            Dynamic::from_int(INT::MAX),
            Dynamic::from_int(INT::MIN),
            decimal("0"),
            decimal("2.5"),
            decimal("-7.0"),
            decimal("7"),
            Dynamic::from_decimal(Decimal::MAX),
            "".into(),
            "sat".into(),
            "saturday".into(),
            "12.5".into(),
            Dynamic::TRUE,
            Dynamic::FALSE,
            Dynamic::UNIT,
            map.into(),
            vec![Dynamic::from("sat"), Dynamic::from_int(7)].into(),
        ]
    }

    /// Every operator on every pair of kinds (numbers at their limits, texts, booleans,
    /// `()`, a map, an array) gives what Rhai's built-ins give, or is left to Rhai.
    #[test]
    fn operators_compute_what_rhai_computes() {
        let operators = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="];
        let mut earn = String::new();
        for (i, op) in operators.iter().enumerate() {
            earn.push_str(&format!("fn op{i}(a, b) {{ a {op} b }}\n"));
        }
        earn.push_str(
            "fn within(a, b) { a in b }\nfn both(a, b) { a && b }\nfn either(a, b) { a || b }\n",
        );
        earn.push_str("fn negated(a) { -a }\nfn not(a) { !a }\nfn exact(a) { decimal(a) }\n");
        earn.push_str("fn starts(a, b) { a.starts_with(b) }\nfn ends(a, b) { a.ends_with(b) }\n");
        earn.push_str("fn has(a, b) { a.contains(b) }\nfn give(a, b) { award(a, b) }\n");
        let (_dir, policy) = club(&earn);
        // Calls Rhai answers, and those of them answered without it.
        let (mut answered, mut cases) = (0, 0);
        let mut count = |outcome: Option<bool>| {
            cases += usize::from(outcome.is_some());
            answered += usize::from(outcome == Some(true));
        };
        let values = values();
        for a in &values {
            for name in ["negated", "not", "exact"] {
                count(agree(&policy, name, std::slice::from_ref(a)));
            }
            for b in &values {
                let binary = (0..operators.len()).map(|i| format!("op{i}"));
                let others = ["within", "both", "either", "starts", "ends", "has", "give"];
                for name in binary.chain(others.iter().map(|s| s.to_string())) {
                    count(agree(&policy, &name, &[a.clone(), b.clone()]));
                }
            }
        }
        // What is given back: texts joined to other kinds, maps and arrays compared.
        assert!(
            answered * 10 > cases * 7,
            "{answered} of {cases} answered without Rhai"
        );
    }

    /// Statements: locals and shadowing, `if` as the last statement (its branch's value,
    /// or `()`), blocks, `return` from inside a branch, calls between the script's own
    /// functions, and map keys.
    #[test]
    fn statements_and_calls_end_as_they_do_in_rhai() {
        let (_dir, policy) = club(
            "fn last_if(a, b) { if a > b { a } }\n\
             fn either_branch(a, b) { if a > b { a } else if a == b { () } else { let c = b - a; c * 2 } }\n\
             fn shadowed(a, b) { let a = a + 1; { let a = a * 10; b; } a }\n\
             fn early(a, b) { if a > 0 { if b > 0 { return a + b; } } let x = a - b; x }\n\
             fn nothing(a, b) { if a > b { return; } 5 }\n\
             fn ends_with_let(a, b) { let x = a; }\n\
             fn helper(x) { x * 3 }\n\
             fn calls(a, b) { helper(a) + helper(b) }\n\
             fn keyed(a, b) { let m = b; if \"a\" in m { m.a + a } else { a } }\n",
        );
        let natives = &policy.scripts[0].native;
        let names = [
            "last_if",
            "either_branch",
            "shadowed",
            "early",
            "nothing",
            "ends_with_let",
            "calls",
            "keyed",
        ];
        for name in names {
            assert!(natives.has(name, 2), "{name} is translated");
        }
        let numbers = [-2, 0, 1, 5].map(Dynamic::from_int);
        let mut map = Map::new();
        map.insert("a".into(), Dynamic::from_int(40));
        for a in &numbers {
            for b in numbers.iter().chain([&Dynamic::from(map.clone())]) {
                for name in names {
                    agree(&policy, name, &[a.clone(), b.clone()]);
                }
            }
            let mut empty = Map::new();
            empty.insert("b".into(), Dynamic::UNIT);
            assert_eq!(
                agree(&policy, "keyed", &[a.clone(), empty.into()]),
                Some(true)
            );
        }
        let (two, three) = (Dynamic::from_int(2), Dynamic::from_int(3));
        assert_eq!(
            agree(&policy, "early", &[two.clone(), three.clone()]),
            Some(true)
        );
        assert_eq!(agree(&policy, "calls", &[two, three]), Some(true));
    }

    /// What this module does not know is left whole to Rhai: loops, recursion, a script
    /// with top-level statements (they run before every call), and a built-in name the
    /// script defines again for itself.
    #[test]
    fn what_it_does_not_know_is_not_translated() {
        let (_dir, policy) = club(
            "fn looped(a, b) { let n = 0; for i in 0..a { n += i; } n }\n\
             fn countdown(a, b) { if a > 0 { countdown(a - 1, b) } else { b } }\n\
             fn award(a, b) { a * 2 }\n\
             fn gives(a, b) { award(a, b) }\n\
             fn simple(a, b) { a + b }\n",
        );
        let natives = &policy.scripts[0].native;
        assert!(natives.has("simple", 2));
        assert!(natives.has("gives", 2), "calls the script's own `award`");
        assert!(!natives.has("looped", 2));
        assert!(!natives.has("countdown", 2));
        let args = [Dynamic::from_int(4), Dynamic::from_int(0)];
        assert_eq!(agree(&policy, "gives", &args), Some(true));
        let (_dir, constant) = club("const RATE = 3;\nfn simple(a, b) { a + b }\n");
        assert!(constant.scripts[0].native.is_empty());
    }

    /// Random functions of the constructs translated — arithmetic on numbers at their
    /// limits (and now and then on a text or `()`), comparisons, `&&`, `||`, `!`, `in`,
    /// `starts_with`, `award`, `decimal`, locals shadowed in blocks, `if` and `return` —
    /// called with random arguments: where the translated function answers (about one
    /// call in eight: the rest meet an error, which is Rhai's to give), Rhai answers the
    /// same.
    mod generated {
        use proptest::prelude::*;

        use super::*;

        /// Numbers, mostly: the arguments and literals at the limits, with now and then a
        /// text or `()` where a number should be (Rhai's errors, given back).
        fn number() -> impl Strategy<Value = String> {
            let leaf = prop::sample::select(vec![
                "a",
                "a",
                "b",
                "x",
                "0",
                "1",
                "7",
                "10000",
                "9223372036854775807",
                "2.5",
                "0.0",
                "1000000.75",
                "79228162514264337593543950335",
                "\"12.5\"",
                "()",
            ])
            .prop_map(str::to_owned);
            leaf.prop_recursive(4, 24, 2, |inner| {
                prop_oneof![
                    4 => (inner.clone(), prop::sample::select(vec!["+", "-", "*", "/", "%"]), inner.clone())
                        .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
                    1 => inner.clone().prop_map(|e| format!("(-{e})")),
                    1 => inner.clone().prop_map(|e| format!("decimal({e})")),
                ]
            })
        }

        fn text() -> impl Strategy<Value = String> {
            prop::sample::select(vec!["\"sat\"", "\"saturday\"", "\"\"", "\"a\"", "b"])
                .prop_map(str::to_owned)
        }

        fn condition() -> impl Strategy<Value = String> {
            let comparison = prop_oneof![
                (
                    number(),
                    prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]),
                    number()
                )
                    .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
                (
                    text(),
                    prop::sample::select(vec!["==", "!=", "<", ">="]),
                    text()
                )
                    .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
                (text(), text()).prop_map(|(l, r)| format!("({l}).starts_with({r})")),
                text().prop_map(|t| format!("({t} in b)")),
                prop::sample::select(vec!["true", "false", "b"]).prop_map(str::to_owned),
            ];
            comparison.prop_recursive(2, 8, 2, |inner| {
                prop_oneof![
                    (
                        inner.clone(),
                        prop::sample::select(vec!["&&", "||"]),
                        inner.clone()
                    )
                        .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
                    inner.prop_map(|e| format!("(!{e})")),
                ]
            })
        }

        fn function() -> impl Strategy<Value = String> {
            (
                number(),
                condition(),
                number(),
                number(),
                text(),
                0..5_usize,
            )
                .prop_map(|(e1, c, e2, e3, t, shape)| {
                    let body = match shape {
                        0 => e2,
                        1 => format!("if {c} {{ return award({e2}, {t}); }} x"),
                        2 => format!("if {c} {{ {e2} }} else {{ let y = x + {e3}; y }}"),
                        3 => format!("{{ let x = {e2}; }} if {c} {{ x }}"),
                        _ => c,
                    };
                    format!("fn f(a, b) {{ let x = {e1}; {body} }}")
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(5000))]
            #[test]
            fn a_translated_function_answers_as_rhai_does(
                source in function(),
                a in 0..10_usize,
                b in 0..19_usize,
            ) {
                let engine = ScriptEngine::new(ScriptLimits::default(), None);
                // Rhai refuses some at compile time (`1 && true`): nothing to compare.
                let Ok(ast) = engine.engine().compile(&source) else { return Ok(()) };
                let natives = NativeFunctions::translate(&ast, engine.limits());
                let values = values();
                let args = [values[a].clone(), values[b].clone()];
                let Some(native) = natives.call("f", &args) else { return Ok(()) };
                let rhai = engine.engine().call_fn_with_options::<Dynamic>(
                    rhai::CallFnOptions::new().eval_ast(true).rewind_scope(false),
                    &mut rhai::Scope::new(),
                    &ast,
                    "f",
                    args.to_vec(),
                );
                match rhai {
                    Ok(rhai) => prop_assert!(
                        same(&native, &rhai),
                        "{source} {args:?}: translated {native:?}, Rhai {rhai:?}"
                    ),
                    Err(e) => prop_assert!(false, "{source} {args:?}: translated {native:?}, Rhai failed: {e}"),
                }
            }
        }
    }

    /// Every field scripts may read is made by `event_field` / `member_field` (the engine
    /// registers a getter for each listed name, which would otherwise read `()`).
    #[test]
    fn every_listed_field_is_made() {
        use crate::policy::script_values::{EVENT_FIELDS, MEMBER_FIELDS};
        let (_dir, policy) = club("");
        let event = event_value(&purchase(0, "5", &[]), &policy);
        let member = member_value(&member(&policy, "x", None), &policy, vec![], Decimal::ONE);
        for name in EVENT_FIELDS {
            assert!(event_field(&event, name).is_some(), "event.{name}");
        }
        for name in MEMBER_FIELDS {
            assert!(member_field(&member, name).is_some(), "member.{name}");
        }
        assert!(event_field(&event, "amonut").is_none());
    }

    /// A request whose script budget is spent has every later call stopped, translated or
    /// not: the translated function does not answer in Rhai's place.
    #[test]
    fn a_spent_budget_stops_translated_functions_too() {
        let (_dir, policy) = club("fn simple(a, b) { a + b }\n");
        let args = (Dynamic::from_int(1), Dynamic::from_int(2));
        assert!(policy.scripts[0].native.has("simple", 2));
        let within = crate::policy::with_time_budget(std::time::Duration::from_secs(60), || {
            policy.call(0, "simple", args.clone())
        });
        assert_eq!(within.unwrap().as_int(), Ok(3));
        let spent = crate::policy::with_time_budget(std::time::Duration::ZERO, || {
            policy.call(0, "simple", args.clone())
        });
        let error = spent.expect_err("the budget is spent");
        let rhai::EvalAltResult::ErrorTerminated(token, _) = error.unwrap_inner() else {
            panic!("stopped by the budget, not {error}");
        };
        assert_eq!(
            token.clone().into_immutable_string().ok().as_deref(),
            Some(crate::policy::BUDGET_SPENT)
        );
    }

    fn purchase(day: i64, amount: &str, attributes: &[(&str, &str)]) -> Event {
        let mut event = Event::manual(
            &format!("P{day}"),
            "M1",
            EventType::Purchase,
            Decimal::from_str(amount).unwrap(),
            Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap() + Duration::days(day),
            Default::default(),
        );
        for (key, value) in attributes {
            event.attributes.insert((*key).into(), (*value).into());
        }
        event
    }

    fn member(policy: &Policy, kind: &str, birthday: Option<NaiveDate>) -> MemberState {
        let mut member = MemberState::new("M1", kind, NaiveDate::from_ymd_opt(2024, 3, 5).unwrap());
        member.birthday = birthday;
        member.tier = policy.club.tiers.last().map(|tier| tier.id.clone());
        member
    }

    /// Every earning rule of every shipped club and benchmark club, over a week of
    /// purchases of every size (nothing, a little, over the bonuses' lines, past what a
    /// decimal holds when doubled), by people and companies, with and without a birthday
    /// and a tax attribute (also one that is not a number): the same value each way, the
    /// same fields noted for a trace, and the benchmark clubs' rules all run without Rhai.
    #[test]
    fn shipped_rules_give_what_rhai_gives() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let engine = std::sync::Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
        let mut clubs: Vec<_> = ["policies", "examples"]
            .iter()
            .flat_map(|folder| std::fs::read_dir(root.join(folder)).unwrap())
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.join("club.yaml").exists())
            .collect();
        clubs.extend(["benches/club", "benches/realistic"].map(|c| root.join(c)));
        let mut answered = 0;
        for dir in &clubs {
            let (policy, _) = Policy::load(dir, &engine).unwrap();
            let kinds: Vec<String> = policy
                .club
                .member_types
                .iter()
                .map(|t| t.id.clone())
                .collect();
            for rule in &policy.rules {
                let function = &policy.club.rules[rule.index].function;
                let natives = &policy.scripts[rule.script].native;
                if dir.ends_with("benches/club") || dir.ends_with("benches/realistic") {
                    assert!(natives.has(function, 2), "{}: {function}", dir.display());
                }
                for day in 0..7 {
                    for amount in [
                        "0",
                        "9999",
                        "10000",
                        "1000000.5",
                        "1000001",
                        "79228162514264337593543950335",
                    ] {
                        for tax in [None, Some("150000"), Some("lots")] {
                            let attributes: Vec<_> = tax.iter().map(|t| ("tax", *t)).collect();
                            let event = purchase(day, amount, &attributes);
                            for kind in kinds.iter().map(String::as_str).chain(["unknown"]) {
                                for birthday in [None, NaiveDate::from_ymd_opt(1990, 3, 4)] {
                                    let member = member(&policy, kind, birthday);
                                    let args = [
                                        Dynamic::from(event_value(&event, &policy)),
                                        Dynamic::from(member_value(
                                            &member,
                                            &policy,
                                            vec!["early_access".into()],
                                            Decimal::ONE,
                                        )),
                                    ];
                                    let (native, native_reads) =
                                        record_reads(|| natives.call(function, &args));
                                    let (rhai, rhai_reads) = record_reads(|| {
                                        policy.call_in_rhai(rule.script, function, args.to_vec())
                                    });
                                    let Some(native) = native else { continue };
                                    let rhai = rhai.unwrap_or_else(|e| {
                                        panic!(
                                            "{function}: translated {native:?}, Rhai failed: {e}"
                                        )
                                    });
                                    assert!(
                                        same(&native, &rhai),
                                        "{function}: {native:?} against {rhai:?}"
                                    );
                                    assert_eq!(
                                        native_reads, rhai_reads,
                                        "{function} {kind} {tax:?} {amount} {birthday:?}"
                                    );
                                    answered += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(answered > 1000, "{answered} calls answered without Rhai");
    }
}
