// The kubelet's ReviewClient over the API: TokenReview and SubjectAccessReview created with the
// kubelet's own credentials (its role allows both creates).
import type { RestClient } from '../../client/rest-client.js';
import type { KubeletRequestAttributes, KubeletUser, ReviewClient } from './auth.js';

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

export function apiReviewClient(client: RestClient): ReviewClient {
  return {
    async tokenReview(token) {
      const review = await client.create<{ status?: TokenReviewStatus }>('/apis/authentication.k8s.io/v1/tokenreviews',
        { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
      const u = review.status?.user;
      if (!review.status?.authenticated || !u?.username) return undefined;
      return { username: u.username, uid: u.uid, groups: u.groups ?? [], extra: u.extra };
    },
    async subjectAccessReview(user: KubeletUser, attrs: KubeletRequestAttributes) {
      const review = await client.create<{ status?: { allowed?: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: {
          user: user.username, uid: user.uid, groups: user.groups, extra: user.extra,
          resourceAttributes: { verb: attrs.verb, group: '', version: 'v1', resource: attrs.resource, subresource: attrs.subresource, name: attrs.name },
        },
      });
      return review.status?.allowed === true;
    },
  };
}
