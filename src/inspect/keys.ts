/**
 * The keys a user hands kerbscope (a keytab, or a password + salt) and how we pick candidates for a ciphertext.
 * Keys are secrets: nothing here prints them.
 */
import { defaultSalt, enctypeName, getEnctype, stringToKey } from '../crypto/index.js';
import type { KeytabEntry } from '../formats/keytab.js';

export interface KeyEntry {
  /** "HTTP/iisserver.contoso.com@CONTOSO.COM", when the key belongs to a named principal. */
  principal?: string;
  realm?: string;
  components?: string[];
  kvno?: number;
  enctype: number;
  key: Uint8Array;
  /** Where the key came from ("keytab http.keytab", "password (salt CONTOSO.COMjohn)"). */
  source: string;
}

/** A password the user gave, turned into keys on demand (the enctype and salt come from the ciphertext's context). */
export interface PasswordKey {
  password: string;
  /** Explicit salt; otherwise the MIT default salt of the principal being decrypted is used. */
  salt?: string;
}

export class KeySet {
  readonly entries: KeyEntry[] = [];
  readonly passwords: PasswordKey[] = [];
  private derived = new Map<string, Uint8Array>();

  addKeytab(entries: readonly KeytabEntry[], name: string): void {
    for (const e of entries) {
      this.entries.push({
        principal: `${e.principal.components.join('/')}@${e.principal.realm}`,
        realm: e.principal.realm,
        components: e.principal.components,
        kvno: e.kvno,
        enctype: e.enctype,
        key: e.key,
        source: `keytab ${name}`,
      });
    }
  }

  addPassword(p: PasswordKey): void {
    this.passwords.push(p);
  }

  get empty(): boolean {
    return this.entries.length === 0 && this.passwords.length === 0;
  }

  /**
   * Candidate keys for a ciphertext of `enctype` belonging to `principal` (components + realm), best first:
   * same principal and kvno, then same principal, then any key of that enctype (tshark does the same: it tries
   * every key of a matching enctype). Password keys are derived with the salt the user gave, else the salt the KDC
   * announced (PA-ETYPE-INFO2, `saltHint`), else the default salt of the principal.
   */
  candidates(enctype: number, principal?: { components: readonly string[]; realm: string }, kvno?: number, saltHint?: string): KeyEntry[] {
    const name = principal ? `${principal.components.join('/')}@${principal.realm}`.toLowerCase() : undefined;
    const score = (k: KeyEntry) => (k.principal?.toLowerCase() === name ? 2 : 0) + (kvno !== undefined && k.kvno === kvno ? 1 : 0);
    const out = this.entries.filter((k) => k.enctype === enctype).sort((a, b) => score(b) - score(a));
    for (const p of this.passwords) {
      const k = this.passwordKey(p, enctype, principal, saltHint);
      if (k) out.push(k);
    }
    return out;
  }

  /** The realm's krbtgt keys (krbtgt/REALM@REALM), which sign the PAC's KDC signature. */
  krbtgtKeys(realm: string): KeyEntry[] {
    const r = realm.toUpperCase();
    return this.entries.filter(
      (k) => k.components?.[0]?.toLowerCase() === 'krbtgt' && (k.realm?.toUpperCase() === r || k.components[1]?.toUpperCase() === r),
    );
  }

  /** All keys (of any enctype) that belong to this principal. */
  forPrincipal(principal: { components: readonly string[]; realm: string }): KeyEntry[] {
    const name = `${principal.components.join('/')}@${principal.realm}`.toLowerCase();
    return this.entries.filter((k) => k.principal?.toLowerCase() === name);
  }

  private passwordKey(
    p: PasswordKey,
    enctype: number,
    principal?: { components: readonly string[]; realm: string },
    saltHint?: string,
  ): KeyEntry | undefined {
    const et = getEnctype(enctype);
    if (!et?.implemented) return undefined;
    const salt = p.salt ?? saltHint ?? (principal ? defaultSalt(principal) : undefined);
    if (salt === undefined) return undefined;
    const id = `${enctype}\u0000${salt}\u0000${p.password}`;
    let key = this.derived.get(id);
    if (!key) {
      key = stringToKey(enctype, p.password, salt);
      this.derived.set(id, key);
    }
    return { enctype, key, source: `password (${enctypeName(enctype)}, salt "${salt}")` };
  }
}
