// Resend a Cognito sign-up confirmation code, and confirm the sign-up with it, through the endpoint's two routes
// (resend-confirmation-code, confirm-sign-up). Swift 5.7+, Foundation only (iOS 15+/macOS 12+ for async
// URLSession). Copy as it is.
//
//   let client = ResendCodeClient(baseURL: URL(string: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1")!)
//   switch await client.resendConfirmationCode(username: email) {
//   case .sent(let message, let destination): show(message)          // destination only if the server reveals it
//   case .invalid(let code, let errors):        show(ResendCodeClient.message(for: code)); highlight(errors)
//   case .throttled(let code, let retryAfter):  disableButton(for: retryAfter); show(ResendCodeClient.message(for: code))
//   case .failed(let code, _):                  show(ResendCodeClient.message(for: code))
//   }
//   switch await client.confirmSignUp(username: email, confirmationCode: typedCode) {
//   case .confirmed(let message):               show(message); goToSignIn()
//   case .codeMismatch:                         show(ResendCodeClient.message(for: "code_mismatch"))
//   case .codeExpired:                          show(ResendCodeClient.message(for: "code_expired")); offerResend()
//   case .invalid(let code, _):                 show(ResendCodeClient.message(for: code))
//   case .throttled(let code, let retryAfter):  disableConfirm(for: retryAfter); show(ResendCodeClient.message(for: code))
//   case .failed(let code, _):                  show(ResendCodeClient.message(for: code))
//   }

import Foundation

public enum ResendCodeResult: Equatable {
    /// The same answer whether or not the account exists (no account enumeration).
    case sent(message: String, destination: String?)
    /// 400, 413 or 415: the input must change; `errors` names each bad field.
    case invalid(code: String, errors: [FieldError])
    /// 429 or 503: wait `retryAfter` seconds before the next try.
    case throttled(code: String, retryAfter: TimeInterval)
    /// Anything else, network failures included (status 0).
    case failed(code: String, status: Int)
}

public enum ConfirmSignUpResult: Equatable {
    /// 200: the user is confirmed and can sign in.
    case confirmed(message: String)
    /// 400 code_mismatch: a wrong code, and also an unknown, already-confirmed or disabled account (no account
    /// enumeration). A second submit of a code that already confirmed answers this too: send once.
    case codeMismatch
    /// 400 code_expired: older than 24 hours or replaced by a newer code; offer the resend.
    case codeExpired
    /// Other 400, 409 (alias_exists), 413 or 415: the input must change.
    case invalid(code: String, errors: [FieldError])
    /// 429 or 503: wait `retryAfter` seconds before the next try.
    case throttled(code: String, retryAfter: TimeInterval)
    /// Anything else, network failures included (status 0).
    case failed(code: String, status: Int)
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

    private struct ConfirmBody: Encodable {
        let username: String
        let confirmationCode: String
        let clientId: String?
        let forceAliasCreation: Bool?
    }

    private struct Confirmed: Decodable {
        let message: String
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

    /// How a request ended: the success body, a problem (status, code, errors, Retry-After), or no answer.
    private enum Outcome {
        case success(Data)
        case problem(status: Int, code: String, errors: [FieldError], retryAfter: TimeInterval)
        case unreachable
    }

    private func post<B: Encodable>(_ route: String, _ body: B) async -> Outcome {
        var request = URLRequest(url: baseURL.appendingPathComponent(route))
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        do {
            request.httpBody = try JSONEncoder().encode(body)
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .unreachable }
            if (200..<300).contains(http.statusCode) { return .success(data) }
            let problem = (try? JSONDecoder().decode(Problem.self, from: data)) ?? Problem(code: nil, errors: nil)
            let retryAfter = http.value(forHTTPHeaderField: "Retry-After").flatMap { TimeInterval($0) }
            return .problem(
                status: http.statusCode,
                code: problem.code ?? "upstream_error",
                errors: problem.errors ?? [],
                retryAfter: retryAfter ?? Self.defaultRetryAfter
            )
        } catch {
            return .unreachable
        }
    }

    public func resendConfirmationCode(username: String) async -> ResendCodeResult {
        switch await post("resend-confirmation-code", Body(username: username, clientId: clientId)) {
        case .success(let data):
            guard let accepted = try? JSONDecoder().decode(Accepted.self, from: data) else {
                return .failed(code: "upstream_error", status: 200)
            }
            return .sent(message: accepted.message, destination: accepted.codeDeliveryDetails?.destination)
        case .problem(let status, let code, let errors, let retryAfter):
            switch status {
            case 429, 503: return .throttled(code: code, retryAfter: retryAfter)
            case 400, 413, 415: return .invalid(code: code, errors: errors)
            default: return .failed(code: code, status: status)
            }
        case .unreachable:
            return .failed(code: "network_error", status: 0)
        }
    }

    /// `confirmationCode` as the person typed it: the server removes whitespace.
    public func confirmSignUp(
        username: String, confirmationCode: String, forceAliasCreation: Bool? = nil
    ) async -> ConfirmSignUpResult {
        let body = ConfirmBody(
            username: username,
            confirmationCode: confirmationCode,
            clientId: clientId,
            forceAliasCreation: forceAliasCreation
        )
        switch await post("confirm-sign-up", body) {
        case .success(let data):
            guard let confirmed = try? JSONDecoder().decode(Confirmed.self, from: data) else {
                return .failed(code: "upstream_error", status: 200)
            }
            return .confirmed(message: confirmed.message)
        case .problem(let status, let code, let errors, let retryAfter):
            switch (status, code) {
            case (400, "code_mismatch"): return .codeMismatch
            case (400, "code_expired"): return .codeExpired
            case (429, _), (503, _): return .throttled(code: code, retryAfter: retryAfter)
            case (400, _), (409, _), (413, _), (415, _): return .invalid(code: code, errors: errors)
            default: return .failed(code: code, status: status)
            }
        case .unreachable:
            return .failed(code: "network_error", status: 0)
        }
    }

    /// A message to show a person for each stable `code` (the same texts as web/resend-code.js).
    public static func message(for code: String) -> String {
        switch code {
        case "invalid_request": return "Please enter the e-mail address or username you signed up with."
        case "rate_limited": return "Too many requests right now. Please wait a moment and try again."
        case "code_mismatch": return "That code is not right. Check the code in your latest message and try again."
        case "code_expired": return "That code has expired or a newer one was sent. Use “Resend code” to get a new one."
        case "alias_exists": return "Another account already uses this e-mail address or phone number. Sign in to that account instead."
        case "attempt_limit_exceeded": return "Too many attempts for this username. Please wait before trying again."
        case "upstream_unavailable": return "The sign-up service is unavailable. Please try again shortly."
        case "upstream_timeout": return "The sign-up service took too long to answer. Please try again."
        case "network_error": return "Could not reach the server. Check your connection and try again."
        case "internal_error": return "Something went wrong on our side. Please try again later."
        default: return "The sign-up service had a problem. Please try again later."
        }
    }
}
