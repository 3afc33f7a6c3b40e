// Resend a Cognito sign-up confirmation code, and confirm the sign-up with it, through the endpoint's two routes
// (resend-confirmation-code, confirm-sign-up). Kotlin 1.9+ (compiled and run by `make test` with Kotlin 2.4 on
// JDK 17), kotlinx-coroutines 1.7+, and only what Android ships: java.net.HttpURLConnection and org.json (Android
// API 21+; on a plain JVM add org.json:json). No OkHttp needed. Copy as it is.
//
//   val client = ResendCodeClient("https://abc123.execute-api.eu-west-1.amazonaws.com/v1")
//   when (val result = client.resendConfirmationCode(email)) {      // call from a coroutine
//       is ResendCodeResult.Sent -> show(result.message)             // result.destination if the server reveals it
//       is ResendCodeResult.Invalid -> show(ResendCodeClient.messageFor(result.code))
//       is ResendCodeResult.Throttled -> disableButtonFor(result.retryAfterSeconds)
//       is ResendCodeResult.Failed -> {
//           show(ResendCodeClient.messageFor(result.code))
//           disableButtonFor(result.retryAfterSeconds)             // > 0 after a timeout: a code may be on its way
//       }
//   }
//   when (val result = client.confirmSignUp(email, typedCode)) {        // as typed: "123-456" works (codeAsSent)
//       is ConfirmSignUpResult.Confirmed -> goToSignIn(result.message)
//       ConfirmSignUpResult.CodeMismatch ->                               // wrong, expired or already confirmed
//           offerResendAndSignIn(ResendCodeClient.messageFor("code_mismatch"))
//       ConfirmSignUpResult.CodeExpired -> offerResend(ResendCodeClient.messageFor("code_expired"))  // older servers
//       is ConfirmSignUpResult.Invalid -> show(ResendCodeClient.messageFor(result.code))
//       is ConfirmSignUpResult.Throttled -> disableConfirmFor(result.retryAfterSeconds)
//       is ConfirmSignUpResult.Failed -> {
//           show(ResendCodeClient.confirmMessageFor(result.code))      // a timeout: maybe confirmed, try signing in
//           disableConfirmFor(result.retryAfterSeconds)
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

data class FieldError(val field: String, val code: String, val message: String)

class ResendCodeClient(
    private val baseUrl: String,
    private val clientId: String? = null,
    private val connectTimeoutMillis: Int = 5_000,
    private val readTimeoutMillis: Int = 15_000,
) {
    /** One HTTP answer: status, Retry-After in seconds (null when absent) and the JSON body (empty if none). */
    private class Answer(val status: Int, val retryAfterSeconds: Long?, val document: JSONObject)

    suspend fun resendConfirmationCode(username: String): ResendCodeResult {
        // A keyboard's trailing space or a pasted tab or line break: no Cognito username holds whitespace, so
        // removing it around the value changes no valid one (the server does the same). Case stays as typed.
        val body = JSONObject().put("username", username.trim())
        if (clientId != null) body.put("clientId", clientId)
        val answer = post(RESEND_CONFIRMATION_CODE_PATH, body) ?: return ResendCodeResult.Failed("network_error", 0)
        if (answer.status in 200..299) {
            val details = answer.document.optJSONObject("codeDeliveryDetails")
            return ResendCodeResult.Sent(answer.document.optString("message"), details?.optString("destination"))
        }
        return problemResult(answer)
    }

    /** The shared reading of a problem+json answer, for every route of the endpoint. */
    private fun problemResult(answer: Answer): ResendCodeResult {
        val code = answer.document.optString("code").ifEmpty { "upstream_error" }
        return when (answer.status) {
            429, 503 -> ResendCodeResult.Throttled(code, answer.retryAfterSeconds ?: DEFAULT_RETRY_AFTER_SECONDS)
            400, 413, 415 -> ResendCodeResult.Invalid(code, fieldErrors(answer.document))
            else -> ResendCodeResult.Failed(code, answer.status, answer.retryAfterSeconds ?: 0)
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
        val body = JSONObject().put("username", username.trim()).put("confirmationCode", codeAsSent(confirmationCode))
        if (clientId != null) body.put("clientId", clientId)
        if (forceAliasCreation != null) body.put("forceAliasCreation", forceAliasCreation)
        val answer = post(CONFIRM_SIGN_UP_PATH, body) ?: return ConfirmSignUpResult.Failed("network_error", 0)
        if (answer.status in 200..299) return ConfirmSignUpResult.Confirmed(answer.document.optString("message"))
        val code = answer.document.optString("code").ifEmpty { "upstream_error" }
        return when {
            answer.status == 400 && code == "code_mismatch" -> ConfirmSignUpResult.CodeMismatch
            answer.status == 400 && code == "code_expired" -> ConfirmSignUpResult.CodeExpired
            answer.status == 429 || answer.status == 503 ->
                ConfirmSignUpResult.Throttled(code, answer.retryAfterSeconds ?: DEFAULT_RETRY_AFTER_SECONDS)
            answer.status in setOf(400, 409, 413, 415) -> ConfirmSignUpResult.Invalid(code, fieldErrors(answer.document))
            else -> ConfirmSignUpResult.Failed(code, answer.status, answer.retryAfterSeconds ?: 0)
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
            "upstream_timeout" -> "The sign-up service took too long to answer. Your account may already be confirmed: try signing in. If you cannot, enter the code again after the wait."
            else -> messageFor(code)
        }

        /** Retry-After as delay-seconds (what this endpoint sends); null when absent or not a number. */
        fun retryAfterSeconds(header: String?): Long? = header?.trim()?.toLongOrNull()?.takeIf { it >= 0 }

        /** A message to show a person for each stable `code` (the same texts as web/resend-code.js). */
        fun messageFor(code: String): String = when (code) {
            "invalid_json" -> "Something went wrong sending the request. Please try again."
            "invalid_request" -> "Please enter the e-mail address or username you signed up with."
            "server_supplied_field" -> "This app sent something it should not. Please update the app."
            "unknown_client_id" -> "This app is not set up for code resends. Please contact support."
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
            "upstream_error" -> "The sign-up service had a problem. Please try again later."
            "upstream_unavailable" -> "The sign-up service is unavailable. Please try again shortly."
            "upstream_timeout" -> "The sign-up service took too long to answer. A code may already be on its way: check your inbox before asking again."
            "network_error" -> "Could not reach the server. Check your connection and try again."
            else -> "The sign-up service had a problem. Please try again later."
        }
    }
}
