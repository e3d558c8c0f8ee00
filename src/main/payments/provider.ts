/** An integrated card terminal. It answers asynchronously; main records the outcome. */
export interface CardRequest {
  intentId: string;
  amount: number;
  currency: string;
  /** Taken while the till cannot reach the cloud: the terminal should store and forward it. */
  offline?: boolean;
}

export type CardOutcome = { status: 'approved'; brand: string; last4: string; reference: string } | { status: 'declined'; message: string };

export interface PaymentProvider {
  readonly name: string;
  /** Starts a charge on the terminal; resolves with the terminal's answer. */
  charge(req: CardRequest): Promise<CardOutcome>;
  /** Asks the terminal to abandon a pending charge (best effort). */
  cancel(intentId: string): void;
}
