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
