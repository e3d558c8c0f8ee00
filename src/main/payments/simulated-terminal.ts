import type { CardOutcome, CardRequest, PaymentProvider } from './provider';

/**
 * A stand-in integrated terminal for training and tests: it answers after `delayMs`, approving
 * unless the amount's last two minor digits are 13 ("declined by issuer"), like test card numbers.
 */
export function createSimulatedTerminal(opts: { delayMs: number; random?: () => number }): PaymentProvider {
  const pending = new Map<string, (o: CardOutcome) => void>();
  const random = opts.random ?? Math.random;
  return {
    name: 'simulated',
    charge(req: CardRequest) {
      return new Promise<CardOutcome>((resolve) => {
        pending.set(req.intentId, resolve);
        setTimeout(() => {
          if (!pending.delete(req.intentId)) return;
          if (req.amount % 100 === 13) resolve({ status: 'declined', message: 'Declined by issuer' });
          else
            resolve({
              status: 'approved',
              brand: 'VISA',
              last4: String(Math.floor(random() * 10000)).padStart(4, '0'),
              reference: `SIM-${req.intentId.slice(-8).toUpperCase()}`,
            });
        }, opts.delayMs);
      });
    },
    cancel(intentId) {
      const resolve = pending.get(intentId);
      if (resolve) {
        pending.delete(intentId);
        resolve({ status: 'declined', message: 'Cancelled' });
      }
    },
  };
}
