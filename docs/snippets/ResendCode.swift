// Resend a Cognito sign-up confirmation code through the resend-confirmation-code endpoint.
// Swift 5.7+, Foundation only (iOS 15+/macOS 12+ for async URLSession). Copy as it is.
//
//   let client = ResendCodeClient(baseURL: URL(string: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1")!)
//   switch await client.resendConfirmationCode(username: email) {
//   case .sent(let message, let destination): show(message)          // destination only if the server reveals it
//   case .invalid(let code, let errors):        show(ResendCodeClient.message(for: code)); highlight(errors)
//   case .throttled(let code, let retryAfter):  disableButton(for: retryAfter); show(ResendCodeClient.message(for: code))
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
        var request = URLRequest(url: baseURL.appendingPathComponent("resend-confirmation-code"))
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        do {
            request.httpBody = try JSONEncoder().encode(Body(username: username, clientId: clientId))
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else {
                return .failed(code: "network_error", status: 0)
            }
            if (200..<300).contains(http.statusCode) {
                let accepted = try JSONDecoder().decode(Accepted.self, from: data)
                return .sent(message: accepted.message, destination: accepted.codeDeliveryDetails?.destination)
            }
            let problem = (try? JSONDecoder().decode(Problem.self, from: data)) ?? Problem(code: nil, errors: nil)
            let code = problem.code ?? "upstream_error"
            switch http.statusCode {
            case 429, 503:
                let header = http.value(forHTTPHeaderField: "Retry-After").flatMap { TimeInterval($0) }
                return .throttled(code: code, retryAfter: header ?? Self.defaultRetryAfter)
            case 400, 413, 415:
                return .invalid(code: code, errors: problem.errors ?? [])
            default:
                return .failed(code: code, status: http.statusCode)
            }
        } catch {
            return .failed(code: "network_error", status: 0)
        }
    }

    /// A message to show a person for each stable `code` (the same texts as web/resend-code.js).
    public static func message(for code: String) -> String {
        switch code {
        case "invalid_request": return "Please enter the e-mail address or username you signed up with."
        case "rate_limited": return "Too many requests right now. Please wait a moment and try again."
        case "attempt_limit_exceeded": return "Too many codes were requested for this username. Please wait before trying again."
        case "upstream_unavailable": return "The sign-up service is unavailable. Please try again shortly."
        case "upstream_timeout": return "The sign-up service took too long to answer. Please try again."
        case "network_error": return "Could not reach the server. Check your connection and try again."
        case "internal_error": return "Something went wrong on our side. Please try again later."
        default: return "The sign-up service had a problem. Please try again later."
        }
    }
}
