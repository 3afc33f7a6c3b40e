// The code screens of a Cognito app client with a secret, through the endpoint's four routes: a sign-up's
// confirmation (resend-confirmation-code, confirm-sign-up) and a forgotten password (forgot-password,
// confirm-forgot-password). Swift 5.7+, Foundation only (iOS 15+/macOS 12+ for async URLSession). Copy as it is.
// Not compiled here (no Swift toolchain installs on the CI machine): tests/unit/test_client_snippets.py keeps it in
// step with the Kotlin client, which is compiled and run.
//
//   let client = CodeScreensClient(baseURL: URL(string: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1")!)
//   switch await client.resendConfirmationCode(username: email) {
//   case .sent(let message, let destination): show(message)          // destination only if the server reveals it
//   case .invalid(let code, let errors):        show(CodeScreensClient.message(for: code)); highlight(errors)
//   case .throttled(let code, let retryAfter):  disableButton(for: retryAfter); show(CodeScreensClient.message(for: code))
//   case .failed(let code, _, let retryAfter):  show(CodeScreensClient.message(for: code))
//                                               disableButton(for: retryAfter) // > 0 after a timeout: a code may be on its way
//   }
//   switch await client.confirmSignUp(username: email, confirmationCode: typedCode) {  // "123-456" works
//   case .confirmed(let message):               show(message); goToSignIn()
//   case .codeMismatch:                         show(CodeScreensClient.message(for: "code_mismatch"))
//                                               offerResend(); offerSignIn()  // wrong, expired or already confirmed
//   case .codeExpired:                          show(CodeScreensClient.message(for: "code_expired")); offerResend()
//   case .invalid(let code, _):                 show(CodeScreensClient.message(for: code))
//   case .throttled(let code, let retryAfter):  disableConfirm(for: retryAfter); show(CodeScreensClient.message(for: code))
//   case .failed(let code, _, let retryAfter):  show(CodeScreensClient.confirmMessage(for: code)) // maybe confirmed
//                                               disableConfirm(for: retryAfter) // > 0 after a timeout
//   }
//   await client.forgotPassword(username: email)  // ForgotPasswordResult: .sent, .invalid, .throttled, .failed, as above
//   switch await client.confirmForgotPassword(username: email, confirmationCode: typedCode, password: newPassword) {
//   case .reset(let message):                   show(message); goToSignIn()
//   case .codeMismatch:                         show(CodeScreensClient.resetMessage(for: "code_mismatch")) // or a recent password
//   case .invalidPassword(let errors):          show(CodeScreensClient.message(for: "invalid_password")); list(errors) // one per rule
//   case .invalid(let code, _):                 show(CodeScreensClient.message(for: code))
//   case .throttled(let code, let retryAfter):  disableReset(for: retryAfter); show(CodeScreensClient.message(for: code))
//   case .failed(let code, _, let retryAfter):  show(CodeScreensClient.resetMessage(for: code)) // maybe reset
//                                               disableReset(for: retryAfter)
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

public enum ConfirmSignUpResult: Equatable {
    /// 200: the user is confirmed and can sign in.
    case confirmed(message: String)
    /// 400 code_mismatch: a wrong code, and also an unknown, already-confirmed or disabled account (no account
    /// enumeration), and (once the server answers expired codes alike) an expired or replaced code: offer to type
    /// it again, the resend, and the sign-in. A second submit of a code that already confirmed answers this too.
    case codeMismatch
    /// 400 code_expired, from servers that still tell it apart: older than 24 hours or replaced; offer the resend.
    case codeExpired
    /// Other 400, 409 (alias_exists), 413 or 415: the input must change.
    case invalid(code: String, errors: [FieldError])
    /// 429 or 503: wait `retryAfter` seconds before the next try.
    case throttled(code: String, retryAfter: TimeInterval)
    /// Anything else, network failures included (status 0). Wait `retryAfter` seconds when it is above 0: the
    /// server sends Retry-After after a timeout (504), when the account may already be confirmed.
    case failed(code: String, status: Int, retryAfter: TimeInterval)
}

public enum ForgotPasswordResult: Equatable {
    /// The same answer whether or not the account exists, can receive a code, or made Cognito fail (no account
    /// enumeration): the request was taken, and a code is on its way if it can be sent.
    case sent(message: String, destination: String?)
    /// 400, 409, 413 or 415: the input must change; `errors` names each bad field.
    case invalid(code: String, errors: [FieldError])
    /// 429 or 503: wait `retryAfter` seconds before the next try.
    case throttled(code: String, retryAfter: TimeInterval)
    /// Anything else, network failures included (status 0). Wait `retryAfter` seconds when it is above 0: the
    /// server sends Retry-After after a timeout (504), when the code may already have been sent.
    case failed(code: String, status: Int, retryAfter: TimeInterval)
}

public enum ConfirmForgotPasswordResult: Equatable {
    /// 200: the password is reset; the user can sign in with the new one.
    case reset(message: String)
    /// 400 code_mismatch: a wrong, expired, replaced or used code, and also an unknown, disabled or unconfirmed
    /// account, Cognito's attempt limits, and a new password the pool's history refuses (no account enumeration):
    /// offer to type the code again, to ask for a new one, and to choose another password (`resetMessage(for:)`).
    case codeMismatch
    /// 400 invalid_password: the new password breaks the pool's policy; `errors` has one entry per rule broken
    /// (field "password", codes such as password_too_short), or none when Cognito itself refused the password.
    case invalidPassword(errors: [FieldError])
    /// Other 400, 409, 413 or 415: the input must change.
    case invalid(code: String, errors: [FieldError])
    /// 429 or 503: wait `retryAfter` seconds before the next try.
    case throttled(code: String, retryAfter: TimeInterval)
    /// Anything else, network failures included (status 0). Wait `retryAfter` seconds when it is above 0: the
    /// server sends Retry-After after a timeout (504), when the password may already be reset.
    case failed(code: String, status: Int, retryAfter: TimeInterval)
}

public struct FieldError: Decodable, Equatable {
    public let field: String
    public let code: String
    public let message: String
}

public struct CodeScreensClient {
    public let baseURL: URL
    public var clientId: String? = nil
    public var session: URLSession = .shared
    public var timeout: TimeInterval = 15
    static let resendConfirmationCodePath = "resend-confirmation-code"
    static let confirmSignUpPath = "confirm-sign-up"
    static let forgotPasswordPath = "forgot-password"
    static let confirmForgotPasswordPath = "confirm-forgot-password"
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

    private struct ResetBody: Encodable {
        let username: String
        let confirmationCode: String
        let password: String
        let clientId: String?
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
        case problem(status: Int, code: String, errors: [FieldError], retryAfter: TimeInterval?)
        case unreachable
    }

    /// A problem as every route reads it: which of the three groups, with its code, errors and wait.
    private enum Group {
        case throttled(code: String, retryAfter: TimeInterval)
        case invalid(code: String, errors: [FieldError])
        case failed(code: String, status: Int, retryAfter: TimeInterval)
    }

    private static func group(status: Int, code: String, errors: [FieldError], retryAfter: TimeInterval?) -> Group {
        switch status {
        case 429, 503: return .throttled(code: code, retryAfter: retryAfter ?? defaultRetryAfter)
        case 400, 409, 413, 415: return .invalid(code: code, errors: errors)
        // Any other answer may carry Retry-After too (a 504 after which the code may have been sent).
        default: return .failed(code: code, status: status, retryAfter: retryAfter ?? 0)
        }
    }

    /// The username without surrounding whitespace: a keyboard's trailing space or a pasted tab or line break. No
    /// Cognito username holds whitespace, so this changes no valid one (the server does the same). Case stays.
    private static func trimmed(_ username: String) -> String {
        username.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func post<B: Encodable>(_ route: String, _ body: B) async -> Outcome {
        var request = URLRequest(url: baseURL.appendingPathComponent(route))
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, application/problem+json", forHTTPHeaderField: "Accept")
        do {
            request.httpBody = try JSONEncoder().encode(body)
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .unreachable }
            if (200..<300).contains(http.statusCode) { return .success(data) }
            let problem = (try? JSONDecoder().decode(Problem.self, from: data)) ?? Problem(code: nil, errors: nil)
            let retryAfter = http.value(forHTTPHeaderField: "Retry-After")
                .flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            return .problem(
                status: http.statusCode,
                code: problem.code ?? "upstream_error",
                errors: problem.errors ?? [],
                retryAfter: retryAfter
            )
        } catch {
            return .unreachable
        }
    }

    public func resendConfirmationCode(username: String) async -> ResendCodeResult {
        switch await post(Self.resendConfirmationCodePath, Body(username: Self.trimmed(username), clientId: clientId)) {
        case .success(let data):
            guard let accepted = try? JSONDecoder().decode(Accepted.self, from: data) else {
                return .failed(code: "upstream_error", status: 200, retryAfter: 0)
            }
            return .sent(message: accepted.message, destination: accepted.codeDeliveryDetails?.destination)
        case .problem(let status, let code, let errors, let retryAfter):
            switch Self.group(status: status, code: code, errors: errors, retryAfter: retryAfter) {
            case .throttled(let code, let retryAfter): return .throttled(code: code, retryAfter: retryAfter)
            case .invalid(let code, let errors): return .invalid(code: code, errors: errors)
            case .failed(let code, let status, let retryAfter): return .failed(code: code, status: status, retryAfter: retryAfter)
            }
        case .unreachable:
            return .failed(code: "network_error", status: 0, retryAfter: 0)
        }
    }

    /// `confirmationCode` as the person typed or pasted it: sent as `codeAsSent` makes it.
    public func confirmSignUp(
        username: String, confirmationCode: String, forceAliasCreation: Bool? = nil
    ) async -> ConfirmSignUpResult {
        let body = ConfirmBody(
            username: Self.trimmed(username),
            confirmationCode: Self.codeAsSent(confirmationCode),
            clientId: clientId,
            forceAliasCreation: forceAliasCreation
        )
        switch await post(Self.confirmSignUpPath, body) {
        case .success(let data):
            guard let confirmed = try? JSONDecoder().decode(Confirmed.self, from: data) else {
                return .failed(code: "upstream_error", status: 200, retryAfter: 0)
            }
            return .confirmed(message: confirmed.message)
        case .problem(let status, let code, let errors, let retryAfter):
            switch Self.group(status: status, code: code, errors: errors, retryAfter: retryAfter) {
            case .invalid("code_mismatch", _) where status == 400: return .codeMismatch
            case .invalid("code_expired", _) where status == 400: return .codeExpired
            case .invalid(let code, let errors): return .invalid(code: code, errors: errors)
            case .throttled(let code, let retryAfter): return .throttled(code: code, retryAfter: retryAfter)
            case .failed(let code, let status, let retryAfter): return .failed(code: code, status: status, retryAfter: retryAfter)
            }
        case .unreachable:
            return .failed(code: "network_error", status: 0, retryAfter: 0)
        }
    }

    /// Ask for a code to reset a forgotten password; `.sent` for every username alike.
    public func forgotPassword(username: String) async -> ForgotPasswordResult {
        switch await post(Self.forgotPasswordPath, Body(username: Self.trimmed(username), clientId: clientId)) {
        case .success(let data):
            guard let accepted = try? JSONDecoder().decode(Accepted.self, from: data) else {
                return .failed(code: "upstream_error", status: 200, retryAfter: 0)
            }
            return .sent(message: accepted.message, destination: accepted.codeDeliveryDetails?.destination)
        case .problem(let status, let code, let errors, let retryAfter):
            switch Self.group(status: status, code: code, errors: errors, retryAfter: retryAfter) {
            case .throttled(let code, let retryAfter): return .throttled(code: code, retryAfter: retryAfter)
            case .invalid(let code, let errors): return .invalid(code: code, errors: errors)
            case .failed(let code, let status, let retryAfter): return .failed(code: code, status: status, retryAfter: retryAfter)
            }
        case .unreachable:
            return .failed(code: "network_error", status: 0, retryAfter: 0)
        }
    }

    /// Set `password` as the new password with the code `forgotPassword` sent. `confirmationCode` as the person
    /// typed or pasted it (sent as `codeAsSent` makes it); `password` exactly as typed, never trimmed.
    public func confirmForgotPassword(
        username: String, confirmationCode: String, password: String
    ) async -> ConfirmForgotPasswordResult {
        let body = ResetBody(
            username: Self.trimmed(username),
            confirmationCode: Self.codeAsSent(confirmationCode),
            password: password,
            clientId: clientId
        )
        switch await post(Self.confirmForgotPasswordPath, body) {
        case .success(let data):
            guard let reset = try? JSONDecoder().decode(Confirmed.self, from: data) else {
                return .failed(code: "upstream_error", status: 200, retryAfter: 0)
            }
            return .reset(message: reset.message)
        case .problem(let status, let code, let errors, let retryAfter):
            switch Self.group(status: status, code: code, errors: errors, retryAfter: retryAfter) {
            case .invalid("code_mismatch", _) where status == 400: return .codeMismatch
            case .invalid("invalid_password", let errors) where status == 400: return .invalidPassword(errors: errors)
            case .invalid(let code, let errors): return .invalid(code: code, errors: errors)
            case .throttled(let code, let retryAfter): return .throttled(code: code, retryAfter: retryAfter)
            case .failed(let code, let status, let retryAfter): return .failed(code: code, status: status, retryAfter: retryAfter)
            }
        case .unreachable:
            return .failed(code: "network_error", status: 0, retryAfter: 0)
        }
    }

    /// A confirmation code as people type and paste it, made into what Cognito sent: whitespace (Unicode
    /// White_Space), dashes (category Pd: "123-456", "123–456") and invisible format characters (category Cf: a
    /// zero-width space, soft hyphen, word joiner, byte order mark) dropped; digits of any script made ASCII.
    /// Anything else stays as typed, and the server refuses it (400). The same rule as the browser and Kotlin
    /// clients (docs/clients.md).
    public static func codeAsSent(_ typed: String) -> String {
        var sent = String.UnicodeScalarView()
        for scalar in typed.unicodeScalars {
            let properties = scalar.properties
            if properties.isWhitespace { continue }
            switch properties.generalCategory {
            case .dashPunctuation, .format:
                continue
            case .decimalNumber:
                if let value = properties.numericValue {
                    sent.append(contentsOf: String(Int(value)).unicodeScalars)
                    continue
                }
            default:
                break
            }
            sent.append(scalar)
        }
        return String(sent)
    }

    /// The confirm route's message for a `code`: its own words after a timeout, else `message(for:)`'s.
    public static func confirmMessage(for code: String) -> String {
        switch code {
        case "upstream_timeout": return "The account service took too long to answer. Your account may already be confirmed: try signing in. If you cannot, enter the code again after the wait."
        default: return message(for: code)
        }
    }

    /// The reset route's message for a `code`: its own words for a wrong code (which also answers a password the
    /// pool's history refuses) and after a timeout (the password may already be reset), else `message(for:)`'s.
    public static func resetMessage(for code: String) -> String {
        switch code {
        case "code_mismatch": return "That code is wrong or has expired: check the newest message, or ask for a new one. If the code is right, choose a password you have not used recently."
        case "upstream_timeout": return "The account service took too long to answer. Your password may already be reset: try signing in with the new one. If you cannot, try again after the wait."
        default: return message(for: code)
        }
    }

    /// A message to show a person for each stable `code` (the same texts as web/code-screens.js).
    public static func message(for code: String) -> String {
        switch code {
        case "invalid_json": return "Something went wrong sending the request. Please try again."
        case "invalid_request": return "Please enter the e-mail address or username you signed up with."
        case "server_supplied_field": return "This app sent something it should not. Please update the app."
        case "unknown_client_id": return "This app is not set up for these codes. Please contact support."
        case "origin_not_allowed": return "This page is not allowed to send codes. Please contact support."
        case "request_blocked": return "This request was blocked. Please try again later."
        case "not_found": return "The code service could not be found. Please contact support."
        case "method_not_allowed": return "The code service could not be reached correctly. Please contact support."
        case "payload_too_large": return "The request was too large."
        case "unsupported_media_type": return "Something went wrong sending the request. Please try again."
        case "rate_limited": return "Too many requests right now. Please wait a moment and try again."
        case "code_mismatch": return "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in."
        case "code_expired": return "That code has expired or a newer one was sent. Use “Resend code” to get a new one."
        case "alias_exists": return "Another account already uses this e-mail address or phone number. Sign in to that account instead."
        case "attempt_limit_exceeded": return "Too many attempts for this username. Please wait before trying again."
        case "internal_error": return "Something went wrong on our side. Please try again later."
        case "upstream_error": return "The account service had a problem. Please try again later."
        case "upstream_unavailable": return "The account service is unavailable. Please try again shortly."
        case "upstream_timeout": return "The account service took too long to answer. A code may already be on its way: check your inbox before asking again."
        case "network_error": return "Could not reach the server. Check your connection and try again."
        case "invalid_password": return "The new password does not meet the password rules."
        default: return "The account service had a problem. Please try again later."
        }
    }
}
