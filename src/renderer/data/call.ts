import type { Channel, InputOf, OutputOf } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { invoke } from '../api';

/** One channel of the contract as a typed function: a domain's data module lists the ones its screens use. */
export function call<K extends Channel>(channel: K): (input: InputOf<K>) => Promise<Result<OutputOf<K>>> {
  return (input) => invoke(channel, input);
}
