/** Order-free lists inside route specs (Route and GatewayRoute share the match shapes). */
import { type UnorderedList, getString } from './spec-utils';

const byName: UnorderedList['key'] = (item) => getString(item, 'name') ?? '';

export function routeUnorderedLists(prefixes: readonly string[]): UnorderedList[] {
  const lists: UnorderedList[] = [];
  for (const p of prefixes) {
    lists.push(
      {
        path: `${p}/action/weightedTargets`,
        key: (t) => `${getString(t, 'virtualNode') ?? ''}`,
      },
      { path: `${p}/match/headers`, key: byName },
      { path: `${p}/match/queryParameters`, key: byName },
      { path: `${p}/match/metadata`, key: byName },
      { path: `${p}/retryPolicy/httpRetryEvents` },
      { path: `${p}/retryPolicy/tcpRetryEvents` },
      { path: `${p}/retryPolicy/grpcRetryEvents` },
    );
  }
  return lists;
}
