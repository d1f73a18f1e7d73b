/**
 * Statements of a transaction whose answers nobody waits for (BEGIN, RELEASE SAVEPOINT), held back
 * and sent in front of the next statement, in its round trip. COMMIT and ROLLBACK need no RELEASE.
 */
export class HeldStatements {
  private held: string[];
  private sent = false;

  /** Starts with `BEGIN` held. */
  constructor() {
    this.held = ['BEGIN'];
  }

  /** True once BEGIN went to the server (else there is no transaction to end). */
  get begun(): boolean {
    return this.sent;
  }

  hold(sql: string): void {
    this.held.push(sql);
  }

  /** `sql` (if any) with the held statements in front of it (simple query protocol, no parameters). */
  before(sql?: string): string {
    const text = [...this.held, ...(sql === undefined ? [] : [sql])].join('; ');
    if (this.held.includes('BEGIN')) this.sent = true;
    this.held = [];
    return text;
  }

  /** After a ROLLBACK: the next statement begins a new transaction. */
  restart(): void {
    this.held = ['BEGIN'];
    this.sent = false;
  }
}
