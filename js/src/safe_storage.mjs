// A Storage that never throws. Safari private mode, a full quota, storage
// disabled by the user or a sandboxed iframe all make getItem/setItem throw:
// we then keep the value in memory for the rest of the page's life (so this
// page stays consistent) and count the failure; nothing reaches the page.

export class SafeStorage {
  /**
   * @param {Storage|undefined|null} backing
   * @param {(err: unknown) => void} onError  called once per failing operation
   */
  constructor(backing, onError) {
    this.backing = backing && typeof backing.getItem === 'function' ? backing : null;
    this.memory = new Map();
    this.onError = onError;
  }

  /** True while values really reach the backing storage. */
  get persistent() {
    return this.backing !== null;
  }

  get(key) {
    if (this.memory.has(key)) return this.memory.get(key);
    if (!this.backing) return null;
    try {
      const v = this.backing.getItem(key);
      return typeof v === 'string' ? v : null;
    } catch (err) {
      this.degrade(err);
      return null;
    }
  }

  set(key, value) {
    if (this.backing) {
      try {
        this.backing.setItem(key, value);
        this.memory.delete(key);
        return;
      } catch (err) {
        // Quota errors can be transient: only this value falls back to memory.
        this.onError(err);
      }
    }
    this.memory.set(key, value);
  }

  /**
   * The keys that start with `prefix`, from the backing storage (through the
   * Storage interface's length/key(i)) and from the memory fallback. A backing
   * store that cannot be enumerated contributes nothing.
   */
  keysWithPrefix(prefix) {
    const found = new Set();
    for (const k of this.memory.keys()) if (k.startsWith(prefix)) found.add(k);
    if (this.backing && typeof this.backing.key === 'function') {
      try {
        for (let i = 0, n = this.backing.length; i < n; i++) {
          const k = this.backing.key(i);
          if (typeof k === 'string' && k.startsWith(prefix)) found.add(k);
        }
      } catch (err) {
        this.degrade(err);
      }
    }
    return [...found];
  }

  remove(key) {
    this.memory.delete(key);
    if (!this.backing) return;
    try {
      this.backing.removeItem(key);
    } catch (err) {
      this.degrade(err);
    }
  }

  degrade(err) {
    this.onError(err);
    this.backing = null;
  }
}
