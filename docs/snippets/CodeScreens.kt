// The code screens of a Cognito app client with a secret, through the endpoint's four routes: a sign-up's
// confirmation (resend-confirmation-code, confirm-sign-up) and a forgotten password (forgot-password,
// confirm-forgot-password). Kotlin 1.9+ (compiled and run by `make test` with Kotlin 2.4 on JDK 17),
// kotlinx-coroutines 1.7+, and only what Android ships: java.net.HttpURLConnection and org.json (Android API 21+; on
// a plain JVM add org.json:json). No OkHttp needed. Copy as it is.
//
//   val client = CodeScreensClient("https://abc123.execute-api.eu-west-1.amazonaws.com/v1")
//   when (val result = client.resendConfirmationCode(email)) {      // call from a coroutine
//       is ResendCodeResult.Sent -> show(result.message)             // result.destination if the server reveals it
//       is ResendCodeResult.Invalid -> show(CodeScreensClient.messageFor(result.code))
//       is ResendCodeResult.Throttled -> disableButtonFor(result.retryAfterSeconds)
//       is ResendCodeResult.Failed -> {
//           show(CodeScreensClient.messageFor(result.code))
//           disableButtonFor(result.retryAfterSeconds)             // > 0 after a timeout: a code may be on its way
//       }
//   }
//   when (val result = client.confirmSignUp(email, typedCode)) {        // as typed: "123-456" works (codeAsSent)
//       is ConfirmSignUpResult.Confirmed -> goToSignIn(result.message)
//       ConfirmSignUpResult.CodeMismatch ->                               // wrong, expired or already confirmed
//           offerResendAndSignIn(CodeScreensClient.messageFor("code_mismatch"))
//       ConfirmSignUpResult.CodeExpired -> offerResend(CodeScreensClient.messageFor("code_expired"))  // older servers
//       is ConfirmSignUpResult.Invalid -> show(CodeScreensClient.messageFor(result.code))
//       is ConfirmSignUpResult.Throttled -> disableConfirmFor(result.retryAfterSeconds)
//       is ConfirmSignUpResult.Failed -> {
//           show(CodeScreensClient.confirmMessageFor(result.code))   // a timeout: maybe confirmed, try signing in
//           disableConfirmFor(result.retryAfterSeconds)
//       }
//   }
//   client.forgotPassword(email)                    // ForgotPasswordResult: Sent, Invalid, Throttled, Failed, as above
//   when (val result = client.confirmForgotPassword(email, typedCode, newPassword)) {
//       is ConfirmForgotPasswordResult.Reset -> goToSignIn(result.message)
//       ConfirmForgotPasswordResult.CodeMismatch ->                 // wrong or expired code, or a recent password
//           show(CodeScreensClient.resetMessageFor("code_mismatch"))
//       is ConfirmForgotPasswordResult.InvalidPassword ->           // one FieldError per rule broken
//           show(CodeScreensClient.messageFor("invalid_password"), result.errors.map { it.message })
//       is ConfirmForgotPasswordResult.Invalid -> show(CodeScreensClient.messageFor(result.code))
//       is ConfirmForgotPasswordResult.Throttled -> disableResetFor(result.retryAfterSeconds)
//       is ConfirmForgotPasswordResult.Failed -> {
//           show(CodeScreensClient.resetMessageFor(result.code))     // a timeout: maybe reset, try signing in
//           disableResetFor(result.retryAfterSeconds)
//       }
//   }

import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.json.JSONException
import org.json.JSONObject

sealed interface ResendCodeResult {
    /** The same answer whether or not the account exists (no account enumeration). */
    data class Sent(val message: String, val destination: String?) : ResendCodeResult
    /** 400, 413 or 415: the input must change; [errors] names each bad field. */
    data class Invalid(val code: String, val errors: List<FieldError>) : ResendCodeResult
    /** 429 or 503: wait [retryAfterSeconds] before the next try. */
    data class Throttled(val code: String, val retryAfterSeconds: Long) : ResendCodeResult
    /** Anything else, network failures included (status 0). Wait [retryAfterSeconds] when it is above 0: the
     *  server sends Retry-After after a timeout (504), when the code may already have been sent. */
    data class Failed(val code: String, val status: Int, val retryAfterSeconds: Long = 0) : ResendCodeResult
}

sealed interface ConfirmSignUpResult {
    /** 200: the user is confirmed and can sign in. */
    data class Confirmed(val message: String) : ConfirmSignUpResult
    /**
     * 400 code_mismatch: a wrong code, and also an unknown, already-confirmed or disabled account (no account
     * enumeration), and (once the server answers expired codes alike) an expired or replaced code: offer to type
     * it again, the resend, and the sign-in. A second submit of a code that already confirmed answers this too.
     */
    data object CodeMismatch : ConfirmSignUpResult
    /** 400 code_expired, from servers that still tell it apart: older than 24 hours or replaced; offer the resend. */
    data object CodeExpired : ConfirmSignUpResult
    /** Other 400, 409 (alias_exists), 413 or 415: the input must change. */
    data class Invalid(val code: String, val errors: List<FieldError>) : ConfirmSignUpResult
    /** 429 or 503: wait [retryAfterSeconds] before the next try. */
    data class Throttled(val code: String, val retryAfterSeconds: Long) : ConfirmSignUpResult
    /**
     * Anything else, network failures included (status 0). Wait [retryAfterSeconds] when it is above 0: the server
     * sends Retry-After after a timeout (504), when the account may already be confirmed.
     */
    data class Failed(val code: String, val status: Int, val retryAfterSeconds: Long = 0) : ConfirmSignUpResult
}

sealed interface ForgotPasswordResult {
    /**
     * The same answer whether or not the account exists, can receive a code, or made Cognito fail (no account
     * enumeration): the request was taken, and a code is on its way if it can be sent.
     */
    data class Sent(val message: String, val destination: String?) : ForgotPasswordResult
    /** 400, 409, 413 or 415: the input must change; [errors] names each bad field. */
    data class Invalid(val code: String, val errors: List<FieldError>) : ForgotPasswordResult
    /** 429 or 503: wait [retryAfterSeconds] before the next try. */
    data class Throttled(val code: String, val retryAfterSeconds: Long) : ForgotPasswordResult
    /** Anything else, network failures included (status 0). Wait [retryAfterSeconds] when it is above 0: the
     *  server sends Retry-After after a timeout (504), when the code may already have been sent. */
    data class Failed(val code: String, val status: Int, val retryAfterSeconds: Long = 0) : ForgotPasswordResult
}

sealed interface ConfirmForgotPasswordResult {
    /** 200: the password is reset; the user can sign in with the new one. */
    data class Reset(val message: String) : ConfirmForgotPasswordResult
    /**
     * 400 code_mismatch: a wrong, expired, replaced or used code, and also an unknown, disabled or unconfirmed
     * account, Cognito's attempt limits, and a new password the pool's history refuses (no account enumeration):
     * offer to type the code again, to ask for a new one, and to choose another password ([resetMessageFor]).
     */
    data object CodeMismatch : ConfirmForgotPasswordResult
    /**
     * 400 invalid_password: the new password breaks the pool's policy; [errors] has one entry per rule broken
     * (field "password", codes such as password_too_short), or none when Cognito itself refused the password.
     */
    data class InvalidPassword(val errors: List<FieldError>) : ConfirmForgotPasswordResult
    /** Other 400, 409, 413 or 415: the input must change. */
    data class Invalid(val code: String, val errors: List<FieldError>) : ConfirmForgotPasswordResult
    /** 429 or 503: wait [retryAfterSeconds] before the next try. */
    data class Throttled(val code: String, val retryAfterSeconds: Long) : ConfirmForgotPasswordResult
    /**
     * Anything else, network failures included (status 0). Wait [retryAfterSeconds] when it is above 0: the server
     * sends Retry-After after a timeout (504), when the password may already be reset.
     */
    data class Failed(val code: String, val status: Int, val retryAfterSeconds: Long = 0) : ConfirmForgotPasswordResult
}

data class FieldError(val field: String, val code: String, val message: String)

class CodeScreensClient(
    private val baseUrl: String,
    private val clientId: String? = null,
    private val connectTimeoutMillis: Int = 5_000,
    private val readTimeoutMillis: Int = 15_000,
) {
    /** One HTTP answer: status, Retry-After in seconds (null when absent) and the JSON body (empty if none). */
    private class Answer(val status: Int, val retryAfterSeconds: Long?, val document: JSONObject)

    /** A problem+json answer as every route reads it: which of the three groups, its code, errors and wait. */
    private sealed interface Problem {
        data class Throttled(val code: String, val retryAfterSeconds: Long) : Problem
        data class Invalid(val code: String, val errors: List<FieldError>) : Problem
        data class Failed(val code: String, val status: Int, val retryAfterSeconds: Long) : Problem
    }

    private fun problemOf(answer: Answer): Problem {
        val code = answer.document.optString("code").ifEmpty { "upstream_error" }
        return when (answer.status) {
            429, 503 -> Problem.Throttled(code, answer.retryAfterSeconds ?: DEFAULT_RETRY_AFTER_SECONDS)
            400, 409, 413, 415 -> Problem.Invalid(code, fieldErrors(answer.document))
            // Any other answer may carry Retry-After too (a 504 after which the code may have been sent).
            else -> Problem.Failed(code, answer.status, answer.retryAfterSeconds ?: 0)
        }
    }

    /** The request body every route shares: the username without surrounding whitespace, and the client. */
    private fun bodyFor(username: String): JSONObject {
        // A keyboard's trailing space or a pasted tab or line break: no Cognito username holds whitespace, so
        // removing it around the value changes no valid one (the server does the same). Case stays as typed.
        val body = JSONObject().put("username", username.trim())
        if (clientId != null) body.put("clientId", clientId)
        return body
    }

    suspend fun resendConfirmationCode(username: String): ResendCodeResult {
        val answer = post(RESEND_CONFIRMATION_CODE_PATH, bodyFor(username))
            ?: return ResendCodeResult.Failed("network_error", 0)
        if (answer.status in 200..299) {
            val details = answer.document.optJSONObject("codeDeliveryDetails")
            return ResendCodeResult.Sent(answer.document.optString("message"), details?.optString("destination"))
        }
        return when (val problem = problemOf(answer)) {
            is Problem.Throttled -> ResendCodeResult.Throttled(problem.code, problem.retryAfterSeconds)
            is Problem.Invalid -> ResendCodeResult.Invalid(problem.code, problem.errors)
            is Problem.Failed -> ResendCodeResult.Failed(problem.code, problem.status, problem.retryAfterSeconds)
        }
    }

    /** POST a JSON body to a route of the endpoint; null when the server could not be reached. */
    private suspend fun post(path: String, body: JSONObject): Answer? = withContext(Dispatchers.IO) {
        val connection = URL(baseUrl.trimEnd('/') + path).openConnection() as HttpURLConnection
        try {
            connection.requestMethod = "POST"
            connection.connectTimeout = connectTimeoutMillis
            connection.readTimeout = readTimeoutMillis
            connection.doOutput = true
            connection.setRequestProperty("Content-Type", "application/json")
            connection.setRequestProperty("Accept", "application/json, application/problem+json")
            val bytes = body.toString().toByteArray(Charsets.UTF_8)
            // Streaming mode also stops the JDK's HttpURLConnection from silently sending a POST a second time
            // after a dropped connection: every send can e-mail the user a code.
            connection.setFixedLengthStreamingMode(bytes.size)
            connection.outputStream.use { it.write(bytes) }
            val status = connection.responseCode
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val text = stream?.use { it.readBytes().toString(Charsets.UTF_8) }.orEmpty()
            val document = try {
                JSONObject(text)
            } catch (e: JSONException) {
                JSONObject()
            }
            Answer(status, retryAfterSeconds(connection.getHeaderField("Retry-After")), document)
        } catch (e: IOException) {
            null
        } finally {
            connection.disconnect()
        }
    }

    /** [confirmationCode] as the person typed or pasted it: sent as [codeAsSent] makes it. */
    suspend fun confirmSignUp(
        username: String,
        confirmationCode: String,
        forceAliasCreation: Boolean? = null,
    ): ConfirmSignUpResult {
        val body = bodyFor(username).put("confirmationCode", codeAsSent(confirmationCode))
        if (forceAliasCreation != null) body.put("forceAliasCreation", forceAliasCreation)
        val answer = post(CONFIRM_SIGN_UP_PATH, body) ?: return ConfirmSignUpResult.Failed("network_error", 0)
        if (answer.status in 200..299) return ConfirmSignUpResult.Confirmed(answer.document.optString("message"))
        return when (val problem = problemOf(answer)) {
            is Problem.Invalid -> when {
                answer.status == 400 && problem.code == "code_mismatch" -> ConfirmSignUpResult.CodeMismatch
                answer.status == 400 && problem.code == "code_expired" -> ConfirmSignUpResult.CodeExpired
                else -> ConfirmSignUpResult.Invalid(problem.code, problem.errors)
            }
            is Problem.Throttled -> ConfirmSignUpResult.Throttled(problem.code, problem.retryAfterSeconds)
            is Problem.Failed -> ConfirmSignUpResult.Failed(problem.code, problem.status, problem.retryAfterSeconds)
        }
    }

    /** Ask for a code to reset a forgotten password; [ForgotPasswordResult.Sent] for every username alike. */
    suspend fun forgotPassword(username: String): ForgotPasswordResult {
        val answer = post(FORGOT_PASSWORD_PATH, bodyFor(username))
            ?: return ForgotPasswordResult.Failed("network_error", 0)
        if (answer.status in 200..299) {
            val details = answer.document.optJSONObject("codeDeliveryDetails")
            return ForgotPasswordResult.Sent(answer.document.optString("message"), details?.optString("destination"))
        }
        return when (val problem = problemOf(answer)) {
            is Problem.Throttled -> ForgotPasswordResult.Throttled(problem.code, problem.retryAfterSeconds)
            is Problem.Invalid -> ForgotPasswordResult.Invalid(problem.code, problem.errors)
            is Problem.Failed -> ForgotPasswordResult.Failed(problem.code, problem.status, problem.retryAfterSeconds)
        }
    }

    /**
     * Set [password] as the new password with the code [forgotPassword] sent. [confirmationCode] as the person typed
     * or pasted it (sent as [codeAsSent] makes it); [password] exactly as typed, never trimmed.
     */
    suspend fun confirmForgotPassword(
        username: String,
        confirmationCode: String,
        password: String,
    ): ConfirmForgotPasswordResult {
        val body = bodyFor(username).put("confirmationCode", codeAsSent(confirmationCode)).put("password", password)
        val answer = post(CONFIRM_FORGOT_PASSWORD_PATH, body)
            ?: return ConfirmForgotPasswordResult.Failed("network_error", 0)
        if (answer.status in 200..299) return ConfirmForgotPasswordResult.Reset(answer.document.optString("message"))
        return when (val problem = problemOf(answer)) {
            is Problem.Invalid -> when {
                answer.status == 400 && problem.code == "code_mismatch" -> ConfirmForgotPasswordResult.CodeMismatch
                answer.status == 400 && problem.code == "invalid_password" ->
                    ConfirmForgotPasswordResult.InvalidPassword(problem.errors)
                else -> ConfirmForgotPasswordResult.Invalid(problem.code, problem.errors)
            }
            is Problem.Throttled -> ConfirmForgotPasswordResult.Throttled(problem.code, problem.retryAfterSeconds)
            is Problem.Failed ->
                ConfirmForgotPasswordResult.Failed(problem.code, problem.status, problem.retryAfterSeconds)
        }
    }

    private fun fieldErrors(document: JSONObject): List<FieldError> {
        val errors = document.optJSONArray("errors") ?: return emptyList()
        return (0 until errors.length()).map { i ->
            val error = errors.getJSONObject(i)
            FieldError(error.optString("field"), error.optString("code"), error.optString("message"))
        }
    }

    companion object {
        const val RESEND_CONFIRMATION_CODE_PATH = "/resend-confirmation-code"
        const val CONFIRM_SIGN_UP_PATH = "/confirm-sign-up"
        const val FORGOT_PASSWORD_PATH = "/forgot-password"
        const val CONFIRM_FORGOT_PASSWORD_PATH = "/confirm-forgot-password"
        const val DEFAULT_RETRY_AFTER_SECONDS = 60L

        /**
         * A confirmation code as people type and paste it, made into what Cognito sent: whitespace (Unicode
         * White_Space), dashes (category Pd: "123-456", "123–456") and invisible format characters (category Cf:
         * a zero-width space, soft hyphen, word joiner, byte order mark) dropped; digits of any script made ASCII.
         * Anything else stays as typed, and the server refuses it (400). The same rule as the browser and Swift
         * clients (docs/clients.md).
         */
        fun codeAsSent(typed: String): String {
            val sent = StringBuilder(typed.length)
            var index = 0
            while (index < typed.length) {
                val point = typed.codePointAt(index)
                index += Character.charCount(point)
                val category = Character.getType(point)
                when {
                    isWhiteSpace(point) -> Unit
                    category == Character.DASH_PUNCTUATION.toInt() || category == Character.FORMAT.toInt() -> Unit
                    category == Character.DECIMAL_DIGIT_NUMBER.toInt() -> sent.append(Character.digit(point, 10))
                    else -> sent.appendCodePoint(point)
                }
            }
            return sent.toString()
        }

        /** Unicode's White_Space property (Character.isWhitespace leaves out no-break spaces and U+0085). */
        private fun isWhiteSpace(point: Int): Boolean =
            point in 0x09..0x0D || point == 0x85 || Character.isSpaceChar(point)

        /** The confirm route's message for a `code`: its own words after a timeout, else [messageFor]'s. */
        fun confirmMessageFor(code: String): String = when (code) {
            "upstream_timeout" -> "The account service took too long to answer. Your account may already be confirmed: try signing in. If you cannot, enter the code again after the wait."
            else -> messageFor(code)
        }

        /**
         * The reset route's message for a `code`: its own words for a wrong code (which also answers a password the
         * pool's history refuses) and after a timeout (the password may already be reset), else [messageFor]'s.
         */
        fun resetMessageFor(code: String): String = when (code) {
            "code_mismatch" -> "That code is wrong or has expired: check the newest message, or ask for a new one. If the code is right, choose a password you have not used recently."
            "upstream_timeout" -> "The account service took too long to answer. Your password may already be reset: try signing in with the new one. If you cannot, try again after the wait."
            else -> messageFor(code)
        }

        /** Retry-After as delay-seconds (what this endpoint sends); null when absent or not a number. */
        fun retryAfterSeconds(header: String?): Long? = header?.trim()?.toLongOrNull()?.takeIf { it >= 0 }

        /** A message to show a person for each stable `code` (the same texts as web/code-screens.js). */
        fun messageFor(code: String): String = when (code) {
            "invalid_json" -> "Something went wrong sending the request. Please try again."
            "invalid_request" -> "Please enter the e-mail address or username you signed up with."
            "server_supplied_field" -> "This app sent something it should not. Please update the app."
            "unknown_client_id" -> "This app is not set up for these codes. Please contact support."
            "origin_not_allowed" -> "This page is not allowed to send codes. Please contact support."
            "request_blocked" -> "This request was blocked. Please try again later."
            "not_found" -> "The code service could not be found. Please contact support."
            "method_not_allowed" -> "The code service could not be reached correctly. Please contact support."
            "payload_too_large" -> "The request was too large."
            "unsupported_media_type" -> "Something went wrong sending the request. Please try again."
            "rate_limited" -> "Too many requests right now. Please wait a moment and try again."
            "code_mismatch" -> "That code is wrong or has expired: check the newest message, or ask for a new one. Already confirmed? Sign in."
            "code_expired" -> "That code has expired or a newer one was sent. Use “Resend code” to get a new one."
            "alias_exists" -> "Another account already uses this e-mail address or phone number. Sign in to that account instead."
            "attempt_limit_exceeded" -> "Too many attempts for this username. Please wait before trying again."
            "internal_error" -> "Something went wrong on our side. Please try again later."
            "upstream_error" -> "The account service had a problem. Please try again later."
            "upstream_unavailable" -> "The account service is unavailable. Please try again shortly."
            "upstream_timeout" -> "The account service took too long to answer. A code may already be on its way: check your inbox before asking again."
            "network_error" -> "Could not reach the server. Check your connection and try again."
            "invalid_password" -> "The new password does not meet the password rules."
            else -> "The account service had a problem. Please try again later."
        }
    }
}
