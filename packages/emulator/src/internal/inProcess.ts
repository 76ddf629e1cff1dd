/**
 * Serving an `HttpApp` to an `HttpClient` inside the process: the client's request becomes the app's
 * server request, and the app's response the client's response. No web `Request` or `Response` is made:
 * the first of those loads Node's whole fetch implementation, which the CLI's embedded demo would pay
 * for at every start.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import type * as Headers from "@effect/platform/Headers"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Multipart from "@effect/platform/Multipart"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

const decoder = new TextDecoder()

class ServerRequest extends Inspectable.Class implements HttpServerRequest.HttpServerRequest {
  readonly [HttpServerRequest.TypeId]: HttpServerRequest.TypeId = HttpServerRequest.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly cookies = {}
  readonly remoteAddress = Option.none<string>()
  constructor(
    readonly source: HttpClientRequest.HttpClientRequest,
    readonly originalUrl: string,
    readonly url: string,
    readonly headers: Headers.Headers
  ) {
    super()
  }
  get method() {
    return this.source.method
  }
  modify(options: { readonly url?: string; readonly headers?: Headers.Headers }) {
    return new ServerRequest(this.source, this.originalUrl, options.url ?? this.url, options.headers ?? this.headers)
  }
  // Only bytes are read; the emulated reads send no body.
  get bytes() {
    return this.source.body._tag === "Uint8Array" ? this.source.body.body : new Uint8Array(0)
  }
  get stream() {
    return Stream.make(this.bytes)
  }
  get arrayBuffer() {
    return Effect.succeed(new Uint8Array(this.bytes).buffer)
  }
  get text() {
    return Effect.succeed(decoder.decode(this.bytes))
  }
  get json(): Effect.Effect<unknown, HttpServerError.RequestError> {
    return Effect.try({
      try: (): unknown => JSON.parse(decoder.decode(this.bytes)),
      catch: (cause) => new HttpServerError.RequestError({ request: this, reason: "Decode", cause })
    })
  }
  get urlParamsBody() {
    return Effect.succeed(UrlParams.fromInput(new URLSearchParams(decoder.decode(this.bytes))))
  }
  get multipart() {
    return Effect.fail(new Multipart.MultipartError({ reason: "Parse", cause: "not in-process" }))
  }
  get multipartStream() {
    return Stream.fail(new Multipart.MultipartError({ reason: "Parse", cause: "not in-process" }))
  }
  get upgrade(): Effect.Effect<never, HttpServerError.RequestError> {
    return Effect.fail(
      new HttpServerError.RequestError({ request: this, reason: "Decode", description: "not in-process" })
    )
  }
  toJSON() {
    return { _id: "@effect/platform/HttpServerRequest", method: this.method, url: this.originalUrl }
  }
}

class ClientResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly cookies = Cookies.empty
  readonly remoteAddress = Option.none<string>()
  readonly status: number
  readonly headers: Headers.Headers
  /** The body, or `undefined` where a web response has none (HEAD, 204, 304). */
  private readonly body: Stream.Stream<Uint8Array, unknown> | undefined
  constructor(readonly request: HttpClientRequest.HttpClientRequest, response: HttpServerResponse.HttpServerResponse) {
    super()
    this.status = response.status
    this.headers = response.headers
    const body = response.body
    this.body = request.method === "HEAD" || this.status === 204 || this.status === 304
      ? undefined
      : body._tag === "Uint8Array"
      ? Stream.make(body.body)
      : body._tag === "Stream"
      ? body.stream
      : Stream.empty
  }
  private error(reason: "Decode" | "EmptyBody", cause?: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason, cause })
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.body === undefined
      ? Stream.fail(this.error("EmptyBody"))
      : Stream.mapError(this.body, (cause) => this.error("Decode", cause))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.body === undefined
      ? Effect.succeed(new ArrayBuffer(0))
      : Effect.map(
        Stream.runCollect(this.stream),
        (chunks) => new Uint8Array(Buffer.concat(Chunk.toArray(chunks))).buffer
      )
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.map(this.arrayBuffer, (bytes) => decoder.decode(bytes))
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: (): unknown => text === "" ? null : JSON.parse(text),
        catch: (cause) => this.error("Decode", cause)
      }))
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.error("Decode", "form data is not read in-process"))
  }
  toJSON() {
    return { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status }
  }
}

/** An `HttpClient` answered by `app`, whatever the URL's origin. @internal */
export const client = (app: HttpApp.Default): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.map(
      Effect.provideService(
        app,
        HttpServerRequest.HttpServerRequest,
        new ServerRequest(request, url.toString(), `${url.pathname}${url.search}`, request.headers)
      ),
      (response) => new ClientResponse(request, response)
    )
  )
