/** The template syntax tree: the node kinds of Jinja2's own parser (jinja2/nodes.py), as plain data. */

export type CompareOp = 'eq' | 'ne' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'in' | 'notin';
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';

export interface CallArgs {
  args: Expr[];
  kwargs: [string, Expr][];
  dynArgs?: Expr;
  dynKwargs?: Expr;
}

export type Expr =
  | { k: 'const'; value: unknown }
  | { k: 'name'; name: string }
  | { k: 'getattr'; obj: Expr; attr: string }
  | { k: 'getitem'; obj: Expr; arg: Expr }
  | { k: 'slice'; start?: Expr; stop?: Expr; step?: Expr }
  | ({ k: 'call'; fn: Expr } & CallArgs)
  | ({ k: 'filter'; node: Expr | null; name: string } & CallArgs)
  | ({ k: 'test'; node: Expr; name: string } & CallArgs)
  | { k: 'binop'; op: BinaryOp; left: Expr; right: Expr }
  | { k: 'concat'; nodes: Expr[] }
  | { k: 'compare'; expr: Expr; ops: [CompareOp, Expr][] }
  | { k: 'and' | 'or'; left: Expr; right: Expr }
  | { k: 'not' | 'neg' | 'pos'; node: Expr }
  | { k: 'condexpr'; test: Expr; expr1: Expr; expr2?: Expr }
  | { k: 'list' | 'tuple'; items: Expr[] }
  | { k: 'dict'; items: [Expr, Expr][] };

export type Target =
  | { k: 'name'; name: string }
  | { k: 'tuple'; items: Target[] }
  | { k: 'nsref'; name: string; attr: string };

export type Param = { name: string; default?: Expr };

export type Stmt =
  | { k: 'output'; nodes: (Expr | { k: 'data'; text: string })[] }
  | { k: 'if'; test: Expr; body: Stmt[]; else_: Stmt[] }
  | { k: 'for'; target: Target; iter: Expr; body: Stmt[]; else_: Stmt[]; test?: Expr; recursive: boolean }
  | { k: 'assign'; target: Target; value: Expr }
  | { k: 'assignblock'; target: Target; body: Stmt[]; filter?: Expr }
  | { k: 'macro'; name: string; params: Param[]; body: Stmt[] }
  | { k: 'callblock'; call: Expr; params: Param[]; body: Stmt[] }
  | { k: 'filterblock'; filter: Expr; body: Stmt[] }
  | { k: 'with'; targets: [Target, Expr][]; body: Stmt[] }
  | { k: 'scope'; body: Stmt[] }
  | { k: 'unsupported'; tag: string };
