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

// What both sides of the exchange share: a body, as a stream of bytes that the other accessors read whole.
const message = <E>(stream: Stream.Stream<Uint8Array, E>, fail: (cause: unknown) => E) => {
  const arrayBuffer = Effect.map(
    Stream.runCollect(stream),
    (chunks) => new Uint8Array(Buffer.concat(Chunk.toArray(chunks))).buffer
  )
  const text = Effect.map(arrayBuffer, (bytes) => new TextDecoder().decode(bytes))
  return {
    ...Inspectable.BaseProto,
    [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId,
    remoteAddress: Option.none(),
    stream,
    arrayBuffer,
    text,
    json: Effect.flatMap(
      text,
      (body) => Effect.try({ try: (): unknown => body === "" ? null : JSON.parse(body), catch: fail })
    ),
    urlParamsBody: Effect.map(text, (body) => UrlParams.fromInput(new URLSearchParams(body)))
  } as const
}

const serverRequest = (
  source: HttpClientRequest.HttpClientRequest,
  originalUrl: string,
  url: string,
  headers: Headers.Headers
): HttpServerRequest.HttpServerRequest => {
  const fail = (cause: unknown) => new HttpServerError.RequestError({ request, reason: "Decode", cause })
  const notHere = new Multipart.MultipartError({ reason: "Parse", cause: "not in-process" })
  const request: HttpServerRequest.HttpServerRequest = {
    ...message(Stream.make(source.body._tag === "Uint8Array" ? source.body.body : new Uint8Array(0)), fail),
    [HttpServerRequest.TypeId]: HttpServerRequest.TypeId,
    source,
    originalUrl,
    url,
    headers,
    method: source.method,
    cookies: {},
    multipart: Effect.fail(notHere),
    multipartStream: Stream.fail(notHere),
    upgrade: Effect.suspend(() => Effect.fail(fail("not in-process"))),
    modify: (options) => serverRequest(source, originalUrl, options.url ?? url, options.headers ?? headers),
    toJSON: () => ({ _id: "@effect/platform/HttpServerRequest", method: source.method, url: originalUrl })
  }
  return request
}

const clientResponse = (
  request: HttpClientRequest.HttpClientRequest,
  { body, headers, status }: HttpServerResponse.HttpServerResponse
): HttpClientResponse.HttpClientResponse => {
  const error = (reason: "Decode" | "EmptyBody", cause?: unknown) =>
    new HttpClientError.ResponseError({ request, response, reason, cause })
  // As a web response has: no body at all for HEAD, 204 and 304.
  const none = request.method === "HEAD" || status === 204 || status === 304
  const bytes = body._tag === "Stream"
    ? body.stream
    : Stream.make(body._tag === "Uint8Array" && !none ? body.body : new Uint8Array(0))
  const response: HttpClientResponse.HttpClientResponse = {
    ...message(Stream.mapError(bytes, (cause) => error("Decode", cause)), (cause) => error("Decode", cause)),
    ...(none ? { stream: Stream.suspend(() => Stream.fail(error("EmptyBody"))) } : {}),
    [HttpClientResponse.TypeId]: HttpClientResponse.TypeId,
    request,
    status,
    headers,
    cookies: Cookies.empty,
    formData: Effect.suspend(() => Effect.fail(error("Decode", "form data is not read in-process"))),
    toJSON: () => ({ _id: "@effect/platform/HttpClientResponse", request: request.toJSON(), status })
  }
  return response
}

/** An `HttpClient` answered by `app`, whatever the URL's origin. @internal */
export const client = (app: HttpApp.Default): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.map(
      Effect.provideService(
        app,
        HttpServerRequest.HttpServerRequest,
        serverRequest(request, url.toString(), `${url.pathname}${url.search}`, request.headers)
      ),
      (response) => clientResponse(request, response)
    )
  )
