// React's side of the API client: the client in context, queries that refresh, mutations that report.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import type { TypedDocumentString } from "../gql/graphql";
import { ApiClient } from "./client";
import { ApiError } from "./errors";

const ClientContext = createContext<ApiClient | null>(null);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ClientContext);
  if (client === null) throw new Error("useApi outside ApiProvider");
  return client;
}

export interface QueryState<R> {
  data: R | undefined;
  error: ApiError | undefined;
  loading: boolean;
  refetch: () => void;
}

/** Runs the query now and whenever its variables change; a cached answer shows while it refreshes. */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V, skip = false): QueryState<R> {
  const client = useApi();
  const key = ApiClient.key(document, variables);
  const [state, setState] = useState<{ key: string; data?: R; error?: ApiError; loading: boolean }>(
    () => ({ key, data: client.cache.get(key) as R | undefined, loading: !skip }));
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (skip) return;
    const controller = new AbortController();
    setState((previous) => ({ key, data: previous.key === key ? previous.data : client.cache.get(key) as R | undefined,
      loading: true }));
    client.request(document, JSON.parse(JSON.stringify(variables ?? {})) as V, controller.signal).then(
      (data) => setState({ key, data, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure = error instanceof ApiError ? error : new ApiError("network", String(error));
        setState((previous) => ({ key, data: previous.data, error: failure, loading: false }));
      },
    );
    return () => controller.abort();
    // The key stands for the document and its variables.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, skip, generation, client]);
  const refetch = useCallback(() => setGeneration((n) => n + 1), []);
  const current = state.key === key ? state : { data: undefined, error: undefined, loading: !skip };
  return { data: current.data, error: current.error, loading: current.loading, refetch };
}
