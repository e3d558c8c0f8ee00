import { create } from 'zustand';
import type {
  CategoryPerf,
  CustomerInsight,
  HeatCell,
  ProductPerf,
  SeriesResult,
  StaffPerf,
  SummaryResult,
  TenderMix,
} from '../../shared/api/insight';
import type { ApiError } from '../../shared/errors';
import { dayToIso, isIsoDate, isoToDay } from '../../shared/business-day';
import { invoke } from '../api';

export type Granularity = 'day' | 'week' | 'month';

interface DashboardState {
  from: string;
  to: string;
  compare: boolean;
  granularity: Granularity;
  today: string | null;
  timezone: string;
  cutoffHour: number;
  loading: boolean;
  error: ApiError | null;
  summary: SummaryResult | null;
  series: SeriesResult | null;
  heatmap: HeatCell[];
  top: ProductPerf[];
  bottom: ProductPerf[];
  categories: CategoryPerf[];
  payments: TenderMix[];
  staff: StaffPerf[];
  customers: CustomerInsight | null;
  init(): Promise<void>;
  setRange(from: string, to: string): void;
  preset(days: number): void;
  setCompare(on: boolean): void;
  setGranularity(g: Granularity): void;
  setCutoff(hour: number): Promise<ApiError | null>;
  load(): Promise<void>;
}

/** Answers to an older request (a preset clicked twice quickly) never overwrite a newer one. */
let latest = 0;

export const useDashboard = create<DashboardState>((set, get) => ({
  from: '',
  to: '',
  compare: true,
  granularity: 'day',
  today: null,
  timezone: 'UTC',
  cutoffHour: 0,
  loading: false,
  error: null,
  summary: null,
  series: null,
  heatmap: [],
  top: [],
  bottom: [],
  categories: [],
  payments: [],
  staff: [],
  customers: null,
  async init() {
    const r = await invoke('insight.businessDay', {});
    const today = r.ok ? r.value.today : new Date().toISOString().slice(0, 10);
    if (r.ok) set({ timezone: r.value.timezone, cutoffHour: r.value.cutoffHour });
    set({ today });
    if (!get().from) {
      set({ from: dayToIso(isoToDay(today) - 29), to: today });
    }
    await get().load();
  },
  setRange(from, to) {
    set({ from, to });
  },
  preset(days) {
    const today = get().today ?? new Date().toISOString().slice(0, 10);
    const end = isoToDay(today);
    set({ from: dayToIso(end - days + 1), to: today, granularity: days > 120 ? 'month' : days > 45 ? 'week' : 'day' });
    void get().load();
  },
  setCompare(on) {
    set({ compare: on });
    void get().load();
  },
  setGranularity(g) {
    set({ granularity: g });
    void get().load();
  },
  async setCutoff(hour) {
    const r = await invoke('insight.setBusinessDay', { cutoffHour: hour });
    if (!r.ok) return r.error;
    set({ cutoffHour: r.value.cutoffHour, today: r.value.today });
    await get().load();
    return null;
  },
  async load() {
    const { from, to, compare, granularity } = get();
    if (!isIsoDate(from) || !isIsoDate(to)) return;
    const seq = ++latest;
    set({ loading: true, error: null });
    const range = { from, to };
    const [summary, series, heatmap, top, bottom, categories, payments, staff, customers] = await Promise.all([
      invoke('insight.summary', { ...range, compare }),
      invoke('insight.series', { ...range, granularity, compare }),
      invoke('insight.heatmap', range),
      invoke('insight.products', { ...range, sort: 'revenue', dir: 'desc', limit: 10 }),
      invoke('insight.products', { ...range, sort: 'revenue', dir: 'asc', limit: 10 }),
      invoke('insight.categories', range),
      invoke('insight.payments', range),
      invoke('insight.staff', range),
      invoke('insight.customers', {}),
    ]);
    if (seq !== latest) return;
    const firstError = [summary, series, heatmap, top, bottom, categories, payments, staff, customers].find((r) => !r.ok);
    if (firstError && !firstError.ok) {
      set({ loading: false, error: firstError.error });
      return;
    }
    set({
      loading: false,
      summary: summary.ok ? summary.value : null,
      series: series.ok ? series.value : null,
      heatmap: heatmap.ok ? heatmap.value : [],
      top: top.ok ? top.value.items : [],
      bottom: bottom.ok ? bottom.value.items : [],
      categories: categories.ok ? categories.value : [],
      payments: payments.ok ? payments.value : [],
      staff: staff.ok ? staff.value : [],
      customers: customers.ok ? customers.value : null,
    });
  },
}));
