// PostgREST's view of callable functions ("schema cache" for routines) and the
// SQL that calls one with named JSON arguments, as PostgREST v12/v13 does:
// the body's keys pick the overload, the values are typed through
// json_to_record(...) with the parameters' declared types, and the result
// becomes JSON (scalar -> that value, SETOF -> array, composite -> object).
import { pgrstError } from './errors.mjs';

const LOOKUP_SQL = `
select p.proname as name,
       p.pronargdefaults::int as ndefaults,
       coalesce(p.proargnames, '{}')::text[] as argnames,
       p.proargmodes::text[] as argmodes,
       array(select pg_catalog.format_type(t.typ, null)
               from unnest(p.proargtypes::oid[]) with ordinality as t(typ, i) order by t.i)::text[] as argtypes,
       p.provariadic <> 0 as variadic,
       p.proretset as retset,
       pg_catalog.format_type(p.prorettype, null) as rettype,
       rt.typtype::text as rettyptype,
       p.provolatile::text as volatility
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_type rt on rt.oid = p.prorettype
 where n.nspname = $1 and p.proname = $2 and p.prokind = 'f'`;

const NAMES_SQL = `
select distinct p.proname as name
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname = $1 and p.prokind = 'f'`;

export function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

// Input parameters (IN, INOUT, VARIADIC) in call order, with their types.
function inputParams(row) {
  const types = row.argtypes;
  const names = row.argnames ?? [];
  const params = [];
  if (!row.argmodes) {
    types.forEach((type, i) => params.push({ name: names[i] ?? '', type }));
  } else {
    let t = 0;
    row.argmodes.forEach((mode, i) => {
      if (mode === 'i' || mode === 'b' || mode === 'v') {
        params.push({ name: names[i] ?? '', type: types[t++], variadic: mode === 'v' });
      }
    });
  }
  const firstDefault = params.length - row.ndefaults;
  params.forEach((p, i) => { p.required = i < firstDefault; });
  return params;
}

function toRoutine(schema, row) {
  const params = inputParams(row);
  let returns;
  if (row.rettype === 'void') returns = 'void';
  else if (row.rettyptype === 'c' || row.rettype === 'record') returns = 'composite';
  else returns = 'scalar';
  return {
    schema,
    name: row.name,
    params,
    retset: row.retset,
    returns,
    volatile: row.volatility === 'v',
    singleUnnamedJson: params.length === 1 && params[0].name === '' && ['json', 'jsonb'].includes(params[0].type),
  };
}

/**
 * Caches each function's overloads. A miss is not cached and a cached entry
 * that matches no overload is looked up again, so functions created or changed
 * after start are found without a reload (PostgREST needs NOTIFY pgrst).
 */
export function createRoutineCatalog() {
  const cache = new Map();
  return {
    async lookup(q, schema, name, { fresh = false } = {}) {
      const key = `${schema}\u0000${name}`;
      if (!fresh && cache.has(key)) return cache.get(key);
      const rows = await q(LOOKUP_SQL, [schema, name]);
      const routines = rows.map((r) => toRoutine(schema, r));
      if (routines.length > 0) cache.set(key, routines);
      return routines;
    },
    async namesIn(q, schema) {
      return (await q(NAMES_SQL, [schema])).map((r) => r.name);
    },
    invalidate() {
      cache.clear();
    },
  };
}

// Similarity in [0,1] from the Levenshtein distance (PostgREST uses a fuzzy
// set with a 0.75 minimum for function names).
function similarity(a, b) {
  const m = a.length;
  const n = b.length;
  if (Math.max(m, n) === 0) return 1;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return 1 - prev[n] / Math.max(m, n);
}

/**
 * PostgREST's overload resolution for a JSON body: a function matches when
 * every body key is one of its parameters and every parameter without a
 * default is present; a function with a single unnamed json/jsonb parameter
 * takes the whole body. Returns the routine or throws PGRST202/PGRST203.
 */
export async function resolveRoutine({ routines, schema, name, body, namesInSchema }) {
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
  const keys = isObject ? Object.keys(body).sort() : [];
  const named = isObject
    ? routines.filter((r) => r.params.every((p) => p.name !== '')
        && keys.every((k) => r.params.some((p) => p.name === k))
        && r.params.every((p) => !p.required || keys.includes(p.name)))
    : [];
  const unnamedJson = routines.filter((r) => r.singleUnnamedJson);
  const matches = named.length > 0 ? named : unnamedJson;
  if (matches.length === 1) return { routine: matches[0], wholeBody: matches[0].singleUnnamedJson };
  if (matches.length > 1) {
    const sig = (r) => `${r.schema}.${r.name}(${r.params.map((p) => `${p.name} => ${p.type}`).join(', ')})`;
    throw pgrstError(300, 'PGRST203', `Could not choose the best candidate function between: ${matches.map(sig).join(', ')}`, {
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    });
  }
  const func = `${schema}.${name}`;
  const withParams = keys.length === 0 ? ' without parameters' : `(${keys.join(', ')})`;
  const detailParams = keys.length === 0 ? ' without parameters'
    : ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
  let hint = null;
  if (routines.length > 0) {
    const lists = routines.map((r) => `(${r.params.map((p) => p.name).sort().join(', ')})`);
    const want = `(${keys.join(', ')})`;
    lists.sort((a, b) => similarity(b, want) - similarity(a, want));
    hint = `Perhaps you meant to call the function ${func}${lists[0]}`;
  } else if (namesInSchema) {
    const best = (await namesInSchema())
      .map((n) => [n, similarity(n, name)])
      .filter(([, s]) => s >= 0.75)
      .sort((a, b) => b[1] - a[1])[0];
    if (best) hint = `Perhaps you meant to call the function ${schema}.${best[0]}`;
  }
  throw pgrstError(404, 'PGRST202', `Could not find the function ${func}${withParams} in the schema cache`, {
    details: `Searched for the function ${func}${detailParams} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    hint,
  });
}

/**
 * The statement that calls `routine` with the request's arguments ($1, the body
 * as JSON text) and returns one row: body (JSON text), and the response.status /
 * response.headers GUCs the function may have set. `present` lists the body's
 * keys: only those parameters are passed, so defaults apply to the rest.
 */
export function callStatement(routine, { wholeBody, present }) {
  const fn = `${quoteIdent(routine.schema)}.${quoteIdent(routine.name)}`;
  const named = !wholeBody && routine.params.length > 0;
  let args = '';
  if (wholeBody) {
    args = `$1::${routine.params[0].type}`;
  } else if (named) {
    args = routine.params.filter((p) => present.includes(p.name))
      .map((p) => `${p.variadic ? 'variadic ' : ''}${quoteIdent(p.name)} := _pgrst_args.${quoteIdent(p.name)}`)
      .join(', ');
  }
  const call = `${fn}(${args})`;
  // PostgREST types the arguments the same way: one json_to_record row with the
  // parameters' declared types.
  const argsRow = named
    ? `json_to_record($1::json) as _pgrst_args(${routine.params.map((p) => `${quoteIdent(p.name)} ${p.type}`).join(', ')})`
    : null;
  const fromCall = (alias) => `from ${argsRow ? `${argsRow}, lateral ` : ''}${call} ${alias}`;
  const fromArgs = argsRow ? ` from ${argsRow}` : '';
  let body;
  if (routine.retset && routine.returns === 'composite') {
    body = `select coalesce(json_agg(_pgrst_t), '[]')::text as body ${fromCall('_pgrst_t')}`;
  } else if (routine.retset) {
    body = `select coalesce(json_agg(_pgrst_t.v), '[]')::text as body ${fromCall('as _pgrst_t(v)')}`;
  } else if (routine.returns === 'composite') {
    body = `select coalesce((json_agg(_pgrst_t)->0)::text, 'null') as body ${fromCall('_pgrst_t')}`;
  } else if (routine.returns === 'void') {
    body = `select 'null'::text as body from (select ${call}${fromArgs}) _pgrst_v`;
  } else {
    body = `select coalesce(to_json(${call})::text, 'null') as body${fromArgs}`;
  }
  // materialized: the call runs before the GUCs it may set are read
  return `with _pgrst_r as materialized (${body})
select body,
       nullif(current_setting('response.status', true), '') as status,
       nullif(current_setting('response.headers', true), '') as headers
  from _pgrst_r`;
}
