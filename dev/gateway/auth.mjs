// The two authentication layers in front of Supabase's PostgREST:
//  1. the API gateway (Kong) requires an `apikey` header (or ?apikey=) that is
//     one of the project's keys;
//  2. PostgREST verifies the `Authorization: Bearer <jwt>` (HS256 with the
//     project's secret) and takes the database role from its `role` claim.
// Error bodies and messages follow PostgREST v13's JwtError (PGRST30x).
import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { HttpError, pgrstError } from './errors.mjs';

// Supabase CLI's well-known local development secret: fine for a loopback dev
// tool, never for anything reachable from outside.
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
// PostgREST accepts 30 s of clock skew on exp/nbf/iat.
const CLOCK_SKEW_S = 30;
// The Supabase CLI's demo keys carry this fixed expiry (2032), no iat.
const DEMO_KEY_EXP = 1983812996;

export function secretKey(secret) {
  return new TextEncoder().encode(secret);
}

/** Signs claims as an HS256 JWT; adds iat, and exp one hour ahead unless given. */
export async function signToken(key, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iat: now, exp: now + 3600, ...claims };
  if (payload.exp === null) delete payload.exp;
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

/** The project's anon and service_role keys, shaped like the Supabase CLI's. */
export async function projectKeys(key) {
  const sign = (role) => new SignJWT({ iss: 'supabase-demo', role, exp: DEMO_KEY_EXP })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  return { anonKey: await sign('anon'), serviceKey: await sign('service_role') };
}

/** Kong's key-auth: a request without a known apikey never reaches PostgREST. */
export function checkApiKey(headers, searchParams, knownKeys) {
  const apikey = headers.apikey ?? searchParams.get('apikey');
  if (apikey == null || apikey === '') {
    throw new HttpError(401, {
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
  }
  if (!knownKeys.includes(apikey)) {
    throw new HttpError(401, {
      message: 'Invalid API key',
      hint: 'Double check your Supabase `anon` or `service_role` API key.',
    });
  }
}

function jwtDecodeError(message, details = null) {
  return pgrstError(401, 'PGRST301', message, {
    details,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}` },
  });
}

function jwtClaimsError(message) {
  return pgrstError(401, 'PGRST303', message, {
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}` },
  });
}

function checkTimeClaims(claims) {
  const now = Math.floor(Date.now() / 1000);
  for (const name of ['exp', 'nbf', 'iat']) {
    if (claims[name] !== undefined && typeof claims[name] !== 'number') {
      throw jwtClaimsError(`The JWT '${name}' claim must be a number`);
    }
  }
  if (claims.exp !== undefined && now - CLOCK_SKEW_S > claims.exp) throw jwtClaimsError('JWT expired');
  if (claims.nbf !== undefined && now + CLOCK_SKEW_S < claims.nbf) throw jwtClaimsError('JWT not yet valid');
  if (claims.iat !== undefined && now + CLOCK_SKEW_S < claims.iat) throw jwtClaimsError('JWT issued at future');
}

/**
 * PostgREST's authentication: returns { role, claims, authed } for the request
 * or throws the 401 PostgREST sends. No bearer token means the anonymous role
 * with claims {"role": anonRole}; `authed` is false only for the anon role.
 */
export async function authenticate(authorization, key, { anonRole = 'anon' } = {}) {
  let token = null;
  if (typeof authorization === 'string') {
    const m = /^bearer(?:\s+(.*))?$/i.exec(authorization.trim());
    if (m) token = (m[1] ?? '').trim();
  }
  if (token === null) return { role: anonRole, claims: { role: anonRole }, authed: false };
  if (token === '') throw jwtDecodeError('Empty JWT is sent in Authorization header');
  const parts = token.split('.');
  if (parts.length !== 3) throw jwtDecodeError(`Expected 3 parts in JWT; got ${parts.length}`);
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw jwtDecodeError("JWT couldn't be decoded");
  }
  if (header.alg !== 'HS256') {
    throw jwtDecodeError('Wrong or unsupported encoding algorithm', `JWT is signed with ${header.alg} but the configured secret only verifies HS256`);
  }
  let claims;
  try {
    // Time claims are checked below with PostgREST's messages and skew.
    ({ payload: claims } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      currentDate: new Date(0),
      clockTolerance: Number.MAX_SAFE_INTEGER,
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw jwtDecodeError('JWT cryptographic operation failed');
    if (e instanceof joseErrors.JWTClaimValidationFailed && ['exp', 'nbf', 'iat'].includes(e.claim)) {
      throw jwtClaimsError(`The JWT '${e.claim}' claim must be a number`);
    }
    if (e instanceof joseErrors.JWTClaimValidationFailed || e instanceof joseErrors.JWTInvalid) {
      throw jwtClaimsError('Parsing claims failed');
    }
    throw jwtDecodeError("JWT couldn't be decoded");
  }
  checkTimeClaims(claims);
  const role = typeof claims.role === 'string' && claims.role !== '' ? claims.role : anonRole;
  return { role, claims: { ...claims, role }, authed: role !== anonRole };
}
