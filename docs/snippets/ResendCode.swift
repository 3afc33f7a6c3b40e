// Resend a Cognito sign-up confirmation code through the resend-confirmation-code endpoint.
// Swift 5.7+, Foundation only (iOS 15+/macOS 12+ for async URLSession). Copy as it is. Not compiled here (no
// Swift toolchain installs on the CI machine): tests/unit/test_client_snippets.py keeps it in step with the Kotlin
// client, which is compiled and run, on the route, the fields and every problem code.
//
//   let client = ResendCodeClient(baseURL: URL(string: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1")!)
//   switch await client.resendConfirmationCode(username: email) {
//   case .sent(let message, let destination): show(message)          // destination only if the server reveals it
//   case .invalid(let code, let errors):        show(ResendCodeClient.message(for: code)); highlight(errors)
//   case .throttled(let code, let retryAfter):  disableButton(for: retryAfter); show(ResendCodeClient.message(for: code))
//   case .failed(let code, _, let retryAfter):  show(ResendCodeClient.message(for: code))
//                                               disableButton(for: retryAfter) // > 0 after a timeout: a code may be on its way
//   }

import Foundation

public enum ResendCodeResult: Equatable {
    /// The same answer whether or not the account exists (no account enumeration).
    case sent(message: String, destination: String?)
    /// 400, 413 or 415: the input must change; `errors` names each bad field.
    case invalid(code: String, errors: [FieldError])
    /// 429 or 503: wait `retryAfter` seconds before the next try.
    case throttled(code: String, retryAfter: TimeInterval)
    /// Anything else, network failures included (status 0). Wait `retryAfter` seconds when it is above 0: the
    /// server sends Retry-After after a timeout (504), when the code may already have been sent.
    case failed(code: String, status: Int, retryAfter: TimeInterval)
}

public struct FieldError: Decodable, Equatable {
    public let field: String
    public let code: String
    public let message: String
}

public struct ResendCodeClient {
    public let baseURL: URL
    public var clientId: String? = nil
    public var session: URLSession = .shared
    public var timeout: TimeInterval = 15
    static let resendConfirmationCodePath = "resend-confirmation-code"
    static let defaultRetryAfter: TimeInterval = 60

    public init(baseURL: URL, clientId: String? = nil, session: URLSession = .shared) {
        self.baseURL = baseURL
        self.clientId = clientId
        self.session = session
    }

    private struct Body: Encodable {
        let username: String
        let clientId: String?
    }

    private struct Accepted: Decodable {
        struct Details: Decodable { let destination: String }
        let message: String
        let codeDeliveryDetails: Details?
    }

    private struct Problem: Decodable {
        let code: String?
        let errors: [FieldError]?
    }

    public func resendConfirmationCode(username: String) async -> ResendCodeResult {
        // A keyboard's trailing space or a pasted tab or line break: no Cognito username holds whitespace, so
        // removing it around the value changes no valid one (the server does the same). Case stays as typed.
        let body = Body(username: username.trimmingCharacters(in: .whitespacesAndNewlines), clientId: clientId)
        guard let answer = await post(path: Self.resendConfirmationCodePath, body: body) else {
            return .failed(code: "network_error", status: 0, retryAfter: 0)
        }
        let (data, http) = answer
        if (200..<300).contains(http.statusCode),
           let accepted = try? JSONDecoder().decode(Accepted.self, from: data) {
            return .sent(message: accepted.message, destination: accepted.codeDeliveryDetails?.destination)
        }
        return problemResult(data: data, http: http)
    }

    /// The shared reading of a problem+json answer, for every route of the endpoint.
    private func problemResult(data: Data, http: HTTPURLResponse) -> ResendCodeResult {
        let problem = (try? JSONDecoder().decode(Problem.self, from: data)) ?? Problem(code: nil, errors: nil)
        let code = problem.code ?? "upstream_error"
        let retryAfter = http.value(forHTTPHeaderField: "Retry-After")
            .flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
        switch http.statusCode {
        case 429, 503:
            return .throttled(code: code, retryAfter: retryAfter ?? Self.defaultRetryAfter)
        case 400, 413, 415:
            return .invalid(code: code, errors: problem.errors ?? [])
        default:
            return .failed(code: code, status: http.statusCode, retryAfter: retryAfter ?? 0)
        }
    }

    /// POST a JSON body to a route of the endpoint; nil when the server could not be reached.
    private func post<Payload: Encodable>(path: String, body: Payload) async -> (Data, HTTPURLResponse)? {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, application/problem+json", forHTTPHeaderField: "Accept")
        guard let encoded = try? JSONEncoder().encode(body) else { return nil }
        request.httpBody = encoded
        guard let answer = try? await session.data(for: request),
              let http = answer.1 as? HTTPURLResponse else { return nil }
        return (answer.0, http)
    }

    /// A message to show a person for each stable `code` (the same texts as web/resend-code.js).
    public static func message(for code: String) -> String {
        switch code {
        case "invalid_json": return "Something went wrong sending the request. Please try again."
        case "invalid_request": return "Please enter the e-mail address or username you signed up with."
        case "server_supplied_field": return "This app sent something it should not. Please update the app."
        case "unknown_client_id": return "This app is not set up for code resends. Please contact support."
        case "origin_not_allowed": return "This page is not allowed to send codes. Please contact support."
        case "request_blocked": return "This request was blocked. Please try again later."
        case "not_found": return "The code service could not be found. Please contact support."
        case "method_not_allowed": return "The code service could not be reached correctly. Please contact support."
        case "payload_too_large": return "The request was too large."
        case "unsupported_media_type": return "Something went wrong sending the request. Please try again."
        case "rate_limited": return "Too many requests right now. Please wait a moment and try again."
        case "attempt_limit_exceeded": return "Too many codes were requested for this username. Please wait before trying again."
        case "internal_error": return "Something went wrong on our side. Please try again later."
        case "upstream_error": return "The sign-up service had a problem. Please try again later."
        case "upstream_unavailable": return "The sign-up service is unavailable. Please try again shortly."
        case "upstream_timeout": return "The sign-up service took too long to answer. A code may already be on its way: check your inbox before asking again."
        case "network_error": return "Could not reach the server. Check your connection and try again."
        default: return "The sign-up service had a problem. Please try again later."
        }
    }
}
