import { describe, expect, it } from 'vitest';
import { regionName } from '../../../src/renderer/features/shipping/regions';

describe('shipping form: country names', () => {
  it('names the country in the screen language', () => {
    expect(regionName('CN', 'zh-CN')).toBe('中国');
    expect(regionName('US', 'zh-CN')).toBe('美国');
    expect(regionName('US', 'en')).toBe('United States');
  });
});
