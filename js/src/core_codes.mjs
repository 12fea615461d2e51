// The core's return codes that the shim acts on: TrackStatus and CoreError of
// bindings/clik_core.d.ts (const enums there, so they need a runtime copy).

/** A track call queued its event and a normal flush is due now. */
export const FLUSH_NOW = 1;
/** restore()/restoreSession() input was corrupt, foreign or of another version. */
export const CORRUPT_INPUT = -4;
