import { KUBECRAFT_PREFIX, LABEL, MANAGED_BY, labelsForSelector, recommendedLabels, selectorLabels, versionFromImage } from '../../lib/core/labels';

/** The label value syntax the API server enforces (at most 63 characters, alphanumeric at both ends). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('LABEL constants', () => {
  test('are the recommended app.kubernetes.io keys', () => {
    expect(LABEL).toEqual({
      NAME: 'app.kubernetes.io/name',
      INSTANCE: 'app.kubernetes.io/instance',
      VERSION: 'app.kubernetes.io/version',
      COMPONENT: 'app.kubernetes.io/component',
      PART_OF: 'app.kubernetes.io/part-of',
      MANAGED_BY: 'app.kubernetes.io/managed-by',
    });
    expect(MANAGED_BY).toBe('kubecraft');
    expect(KUBECRAFT_PREFIX).toBe('kubecraft.dev');
  });
});

describe('recommendedLabels', () => {
  test('name only: instance defaults to the name, managed-by is set, no optional labels', () => {
    expect(recommendedLabels({ name: 'api' })).toEqual({
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'api',
      'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('every field maps to its label', () => {
    expect(recommendedLabels({ name: 'api', instance: 'api-prod', version: '1.2.3', component: 'backend', partOf: 'shop' })).toEqual({
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'api-prod',
      'app.kubernetes.io/version': '1.2.3',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('an empty version is kept (explicitly set), an undefined one is left out', () => {
    expect(recommendedLabels({ name: 'api', version: '' })[LABEL.VERSION]).toBe('');
    expect(Object.keys(recommendedLabels({ name: 'api', version: undefined }))).not.toContain(LABEL.VERSION);
  });

  test('returns a fresh object each call (callers may add to it)', () => {
    const a = recommendedLabels({ name: 'api' });
    a.extra = 'x';
    expect(recommendedLabels({ name: 'api' })).not.toHaveProperty('extra');
  });
});

describe('labelsForSelector', () => {
  test("the recommended labels of the selector's name and instance, without its other labels", () => {
    expect(labelsForSelector({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api-prod', tier: 'x' }, 'other')).toEqual({
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'api-prod',
      'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('a missing name falls back to the given name, a missing instance to the name', () => {
    expect(labelsForSelector({ app: 'api' }, 'api-svc')).toEqual({
      'app.kubernetes.io/name': 'api-svc',
      'app.kubernetes.io/instance': 'api-svc',
      'app.kubernetes.io/managed-by': 'kubecraft',
    });
    expect(labelsForSelector({ 'app.kubernetes.io/name': 'api' }, 'other')[LABEL.INSTANCE]).toBe('api');
  });
});

describe('selectorLabels', () => {
  test('only name and instance, never version/component/part-of/managed-by', () => {
    expect(selectorLabels({ name: 'api', instance: 'api-prod', version: '1.2.3', component: 'backend', partOf: 'shop' })).toEqual({
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'api-prod',
    });
  });

  test('instance defaults to the name', () => {
    expect(selectorLabels({ name: 'db' })).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' });
  });

  test('is a subset of the recommended labels (a selector always matches its own pods)', () => {
    const id = { name: 'web', instance: 'web-blue', version: '2.0.0' };
    expect(recommendedLabels(id)).toMatchObject(selectorLabels(id));
  });
});

describe('versionFromImage', () => {
  test.each([
    ['nginx:1.27.3', '1.27.3'],
    ['docker.io/library/nginx:1.27.3-alpine', '1.27.3-alpine'],
    ['ghcr.io/org/team/app:v2.0.0_rc1', 'v2.0.0_rc1'],
    ['localhost:5000/app:1.2', '1.2'],
    ['registry.example.com:443/org/app:2024.01.05', '2024.01.05'],
  ])('tag of %s is %s', (image, version) => {
    expect(versionFromImage(image)).toBe(version);
  });

  test.each([
    ['nginx'],
    ['docker.io/library/nginx'],
    ['localhost:5000/app'],
    ['registry.example.com:443/org/app'],
  ])('untagged %s has no version (the registry port is not a tag)', (image) => {
    expect(versionFromImage(image)).toBeUndefined();
  });

  test('a digest gives its first 12 hex digits', () => {
    const hex = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    expect(versionFromImage(`nginx@sha256:${hex}`)).toBe('0123456789ab');
    expect(versionFromImage(`localhost:5000/app@sha256:${hex}`)).toBe('0123456789ab');
  });

  test('a digest wins over a tag (the digest is what runs)', () => {
    const hex = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
    expect(versionFromImage(`nginx:1.27.3@sha256:${hex}`)).toBe('fedcba987654');
  });

  test('an empty digest or tag has no version', () => {
    expect(versionFromImage('nginx@sha256:')).toBeUndefined();
    expect(versionFromImage('nginx@')).toBeUndefined();
    expect(versionFromImage('nginx:')).toBeUndefined();
  });

  test('characters not allowed in a label value become "-", and the ends are trimmed to alphanumerics', () => {
    expect(versionFromImage('app:1.2+build.5')).toBe('1.2-build.5');
    expect(versionFromImage('app:_1.0_')).toBe('1.0');
    expect(versionFromImage('app:-.-v3-.-')).toBe('v3');
    expect(versionFromImage('app:...')).toBeUndefined();
  });

  test('a long tag is cut to 63 characters and still ends alphanumeric', () => {
    const tag = `${'a'.repeat(62)}-b${'c'.repeat(20)}`;
    const v = versionFromImage(`app:${tag}`);
    expect(v).toBe('a'.repeat(62));
    expect(v).toMatch(LABEL_VALUE);
    expect(versionFromImage(`app:${'x'.repeat(128)}`)).toBe('x'.repeat(63));
  });

  test.each([
    ['nginx:1.27.3'],
    ['app:1.2+build.5'],
    ['app:-.-v3-.-'],
    [`app:${'a'.repeat(62)}-b`],
    ['app@sha256:0123456789abcdef0123'],
    ['app@sha256:-0123456789abcdef'],
    ['app@md5:...abc...'],
  ])('the result for %s is always a valid label value', (image) => {
    const v = versionFromImage(image);
    expect(v).toBeDefined();
    expect(v).toMatch(LABEL_VALUE);
    expect((v as string).length).toBeLessThanOrEqual(63);
  });
});
