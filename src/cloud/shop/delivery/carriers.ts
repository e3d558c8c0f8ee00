/**
 * Carriers' names in the buyer's language. A `shipped` step carries the carrier's name as the till
 * shows it (its own courier, or the name a manager gave the carrier's API); the names the tills
 * and the common carriers of mainland China and abroad use are known here in both languages, so a
 * buyer reading Chinese sees 顺丰速运 where the till wrote "SF Express", and the other way round.
 * A name not known is shown as the till wrote it.
 */
export interface CarrierNames {
  en: string;
  'zh-CN': string;
  /** Other spellings a till or a manager may have used. */
  also?: string[];
}

export const KNOWN_CARRIERS: readonly CarrierNames[] = [
  // The till's own courier (src/main/shipping/carriers.ts: ownCourier).
  { en: 'Own courier', 'zh-CN': '商家自送', also: ['own', 'Own delivery', '自送'] },
  { en: 'SF Express', 'zh-CN': '顺丰速运', also: ['SF', 'Shunfeng', '顺丰', '顺丰快递'] },
  { en: 'China Post', 'zh-CN': '中国邮政', also: ['中国邮政快递包裹'] },
  { en: 'EMS', 'zh-CN': '邮政EMS', also: ['China EMS', 'EMS快递', '中国邮政EMS'] },
  { en: 'JD Logistics', 'zh-CN': '京东物流', also: ['JD', 'JD Express', '京东快递'] },
  { en: 'ZTO Express', 'zh-CN': '中通快递', also: ['ZTO', '中通'] },
  { en: 'YTO Express', 'zh-CN': '圆通速递', also: ['YTO', '圆通', '圆通快递'] },
  { en: 'STO Express', 'zh-CN': '申通快递', also: ['STO', '申通'] },
  { en: 'Yunda Express', 'zh-CN': '韵达快递', also: ['Yunda', '韵达'] },
  { en: 'J&T Express', 'zh-CN': '极兔速递', also: ['J&T', 'JT Express', '极兔', '极兔快递'] },
  { en: 'Deppon', 'zh-CN': '德邦快递', also: ['Deppon Express', '德邦', '德邦物流'] },
  { en: 'Best Express', 'zh-CN': '百世快递', also: ['BEST', '百世'] },
  { en: 'Cainiao', 'zh-CN': '菜鸟', also: ['Cainiao Network', '菜鸟裹裹'] },
  { en: 'DHL', 'zh-CN': 'DHL 敦豪', also: ['DHL Express', '敦豪'] },
  { en: 'FedEx', 'zh-CN': '联邦快递', also: ['Fedex', 'FedEx Express'] },
  { en: 'UPS', 'zh-CN': 'UPS 联合包裹', also: ['联合包裹'] },
];

/** Case, spaces and dots ignored: "sf  express." is SF Express. */
const fold = (name: string) =>
  name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s.]+/gu, '');

const BY_NAME = new Map<string, CarrierNames>();
for (const c of KNOWN_CARRIERS) for (const n of [c.en, c['zh-CN'], ...(c.also ?? [])]) BY_NAME.set(fold(n), c);

/** The carrier's name in `lang` (`en` or `zh-CN`), or the name as written when it is not a known one. */
export function carrierName(name: string, lang: string): string {
  const known = BY_NAME.get(fold(name));
  if (!known) return name;
  return lang === 'zh-CN' ? known['zh-CN'] : known.en;
}
