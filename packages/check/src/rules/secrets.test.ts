import { describe, expect, it } from 'vitest';
import { secretLikeKey } from './secrets.js';

describe('secretLikeKey', () => {
  it('tells credentials from references by key name', () => {
    expect(secretLikeKey('password')).toBe('literal');
    expect(secretLikeKey('clientSecret')).toBe('literal');
    expect(secretLikeKey('AUTHENTIK_SECRET_KEY')).toBe('literal');
    expect(secretLikeKey('argocdServerAdminPassword')).toBe('literal');
    expect(secretLikeKey('existingSecret')).toBeUndefined();
    expect(secretLikeKey('secretName')).toBeUndefined();
    expect(secretLikeKey('passwordKey')).toBeUndefined();
    expect(secretLikeKey('tlsSecret')).toBe('name');
  });
});
