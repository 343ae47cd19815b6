// The one API client: POST /graphql on the portal's own origin with the session's bearer token.
import type { TypedDocumentString } from "../gql/graphql";
import { ApiError, type GraphQLErrorItem } from "./errors";

export interface ClientOptions {
  /** The current bearer token, or null when nobody is signed in. */
  token: () => string | null;
  /** Called when the gateway refuses the token (expired, revoked): the session ends there. */
  onUnauthenticated: () => void;
  fetch?: typeof fetch;
}

interface Answer<R> {
  data?: R | null;
  errors?: GraphQLErrorItem[];
}

/** A stored evidence file, as POST /media answers. */
export interface UploadedMedia {
  id: string;
  kind: string;
  contentType: string;
  bytes: number;
}

export class ApiClient {
  /** Answers by operation and variables, so a page shown again draws at once while it refreshes. */
  readonly cache = new Map<string, unknown>();

  constructor(private readonly options: ClientOptions) {}

  static key(document: { toString(): string }, variables: unknown): string {
    return `${document.toString()}\n${JSON.stringify(variables ?? {})}`;
  }

  /** The operation's data; raises ApiError (network, unauthenticated, http, graphql). */
  async request<R, V>(document: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
    const token = this.options.token();
    const headers: Record<string, string> = { "Content-Type": "application/json", "X-Gridgov-Portal": "web" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const send = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await send("/graphql", {
        method: "POST", headers, signal, body: JSON.stringify({ query: document.toString(), variables }),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError("network", String(error));
    }
    const answer = (await response.json().catch(() => ({}))) as Answer<R>;
    if (response.status === 401) {
      this.options.onUnauthenticated();
      throw new ApiError("unauthenticated", answer.errors?.[0]?.message ?? "unauthenticated", answer.errors, 401);
    }
    if (!response.ok) {
      throw new ApiError("http", answer.errors?.[0]?.message ?? response.statusText, answer.errors ?? [],
        response.status);
    }
    if (answer.errors?.length) {
      throw new ApiError("graphql", answer.errors[0]?.message ?? "error", answer.errors, response.status);
    }
    if (answer.data === undefined || answer.data === null) throw new ApiError("http", "no data", [], response.status);
    this.cache.set(ApiClient.key(document, variables), answer.data);
    return answer.data;
  }

  /**
   * Sends one evidence file for ``jurisdiction`` (POST /media, the body streamed as it is); raises ApiError as
   * request does. The same bytes sent again are the same record, so a replayed upload is never stored twice.
   */
  async upload(file: Blob, jurisdiction: string): Promise<UploadedMedia> {
    const token = this.options.token();
    const headers: Record<string, string> = { "Content-Type": file.type || "application/octet-stream",
      "X-Gridgov-Portal": "web" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const send = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await send(`/media?jurisdiction=${encodeURIComponent(jurisdiction)}`, { method: "POST", headers,
        body: file });
    } catch (error) {
      throw new ApiError("network", String(error));
    }
    const answer = (await response.json().catch(() => ({}))) as UploadedMedia & Answer<never>;
    if (response.status === 401) {
      this.options.onUnauthenticated();
      throw new ApiError("unauthenticated", answer.errors?.[0]?.message ?? "unauthenticated", answer.errors, 401);
    }
    if (!response.ok) {
      throw new ApiError("http", answer.errors?.[0]?.message ?? response.statusText, answer.errors ?? [],
        response.status);
    }
    return answer;
  }
}
