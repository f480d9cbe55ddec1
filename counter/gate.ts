/**
 * One command at a time from a counter screen (rule 4 on the client side):
 *  - while a command is in flight, another press is ignored (a double press does one thing);
 *  - when the answer is lost (network, timeout), pressing the same action again re-sends it with
 *    the same command id, so the server applies it at most once and returns the first result;
 *  - after an answer (success or a refusal) the next press is a new command with a new id.
 */
export type Outcome = 'done' | 'refused' | 'lost';

export class CommandGate {
  private inFlight = false;
  private unanswered: { key: string; commandId: string } | null = null;

  constructor(private readonly newId: () => string) {}

  /** A command id for this action, or null when another command is still in flight. */
  begin(key: string): string | null {
    if (this.inFlight) return null;
    this.inFlight = true;
    const commandId = this.unanswered?.key === key ? this.unanswered.commandId : this.newId();
    this.unanswered = { key, commandId };
    return commandId;
  }

  end(outcome: Outcome): void {
    this.inFlight = false;
    if (outcome !== 'lost') this.unanswered = null;
  }

  get busy(): boolean {
    return this.inFlight;
  }
}
