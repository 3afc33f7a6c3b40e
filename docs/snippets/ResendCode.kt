// Resend a Cognito sign-up confirmation code, and confirm the sign-up with it, through the endpoint's two routes
// (resend-confirmation-code, confirm-sign-up). Kotlin 1.9+, OkHttp 4 and org.json (Android ships org.json; on the JVM add org.json:json). Copy as it is.
//
//   val client = ResendCodeClient("https://abc123.execute-api.eu-west-1.amazonaws.com/v1")
//   when (val result = client.resendConfirmationCode(email)) {      // call from a coroutine
//       is ResendCodeResult.Sent -> show(result.message)             // result.destination if the server reveals it
//       is ResendCodeResult.Invalid -> show(ResendCodeClient.messageFor(result.code))
//       is ResendCodeResult.Throttled -> disableButtonFor(result.retryAfterSeconds)
//       is ResendCodeResult.Failed -> show(ResendCodeClient.messageFor(result.code))
//   }
//   when (val result = client.confirmSignUp(email, typedCode)) {
//       is ConfirmSignUpResult.Confirmed -> goToSignIn(result.message)
//       ConfirmSignUpResult.CodeMismatch -> show(ResendCodeClient.messageFor("code_mismatch"))
//       ConfirmSignUpResult.CodeExpired -> offerResend(ResendCodeClient.messageFor("code_expired"))
//       is ConfirmSignUpResult.Invalid -> show(ResendCodeClient.messageFor(result.code))
//       is ConfirmSignUpResult.Throttled -> disableConfirmFor(result.retryAfterSeconds)
//       is ConfirmSignUpResult.Failed -> show(ResendCodeClient.messageFor(result.code))
//   }

import java.io.IOException
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody
import org.json.JSONException
import org.json.JSONObject

sealed interface ResendCodeResult {
    /** The same answer whether or not the account exists (no account enumeration). */
    data class Sent(val message: String, val destination: String?) : ResendCodeResult
    /** 400, 413 or 415: the input must change; [errors] names each bad field. */
    data class Invalid(val code: String, val errors: List<FieldError>) : ResendCodeResult
    /** 429 or 503: wait [retryAfterSeconds] before the next try. */
    data class Throttled(val code: String, val retryAfterSeconds: Long) : ResendCodeResult
    /** Anything else, network failures included (status 0). */
    data class Failed(val code: String, val status: Int) : ResendCodeResult
}

sealed interface ConfirmSignUpResult {
    /** 200: the user is confirmed and can sign in. */
    data class Confirmed(val message: String) : ConfirmSignUpResult
    /**
     * 400 code_mismatch: a wrong code, and also an unknown, already-confirmed or disabled account (no account
     * enumeration). A second submit of a code that already confirmed answers this too: send once.
     */
    data object CodeMismatch : ConfirmSignUpResult
    /** 400 code_expired: older than 24 hours or replaced by a newer code; offer the resend. */
    data object CodeExpired : ConfirmSignUpResult
    /** Other 400, 409 (alias_exists), 413 or 415: the input must change. */
    data class Invalid(val code: String, val errors: List<FieldError>) : ConfirmSignUpResult
    /** 429 or 503: wait [retryAfterSeconds] before the next try. */
    data class Throttled(val code: String, val retryAfterSeconds: Long) : ConfirmSignUpResult
    /** Anything else, network failures included (status 0). */
    data class Failed(val code: String, val status: Int) : ConfirmSignUpResult
}

data class FieldError(val field: String, val code: String, val message: String)

class ResendCodeClient(
    private val baseUrl: String,
    private val clientId: String? = null,
    private val http: OkHttpClient = OkHttpClient.Builder().callTimeout(15, TimeUnit.SECONDS).build(),
) {
    suspend fun resendConfirmationCode(username: String): ResendCodeResult = withContext(Dispatchers.IO) {
        val body = JSONObject().put("username", username)
        if (clientId != null) body.put("clientId", clientId)
        val request = Request.Builder()
            .url(baseUrl.trimEnd('/') + "/resend-confirmation-code")
            .post(body.toString().toRequestBody("application/json".toMediaType()))
            .build()
        try {
            http.newCall(request).execute().use { response ->
                val document = try {
                    JSONObject(response.body?.string().orEmpty())
                } catch (e: JSONException) {
                    JSONObject()
                }
                if (response.isSuccessful) {
                    val details = document.optJSONObject("codeDeliveryDetails")
                    return@withContext ResendCodeResult.Sent(
                        document.optString("message"),
                        details?.optString("destination"),
                    )
                }
                val code = document.optString("code").ifEmpty { "upstream_error" }
                when (response.code) {
                    429, 503 -> ResendCodeResult.Throttled(
                        code,
                        response.header("Retry-After")?.toLongOrNull() ?: DEFAULT_RETRY_AFTER_SECONDS,
                    )
                    400, 413, 415 -> ResendCodeResult.Invalid(code, fieldErrors(document))
                    else -> ResendCodeResult.Failed(code, response.code)
                }
            }
        } catch (e: IOException) {
            ResendCodeResult.Failed("network_error", 0)
        }
    }

    /** [confirmationCode] as the person typed it: the server removes whitespace. */
    suspend fun confirmSignUp(
        username: String,
        confirmationCode: String,
        forceAliasCreation: Boolean? = null,
    ): ConfirmSignUpResult = withContext(Dispatchers.IO) {
        val body = JSONObject().put("username", username).put("confirmationCode", confirmationCode)
        if (clientId != null) body.put("clientId", clientId)
        if (forceAliasCreation != null) body.put("forceAliasCreation", forceAliasCreation)
        val request = Request.Builder()
            .url(baseUrl.trimEnd('/') + "/confirm-sign-up")
            .post(body.toString().toRequestBody("application/json".toMediaType()))
            .build()
        try {
            http.newCall(request).execute().use { response ->
                val document = try {
                    JSONObject(response.body?.string().orEmpty())
                } catch (e: JSONException) {
                    JSONObject()
                }
                if (response.isSuccessful) {
                    return@withContext ConfirmSignUpResult.Confirmed(document.optString("message"))
                }
                val code = document.optString("code").ifEmpty { "upstream_error" }
                when {
                    response.code == 400 && code == "code_mismatch" -> ConfirmSignUpResult.CodeMismatch
                    response.code == 400 && code == "code_expired" -> ConfirmSignUpResult.CodeExpired
                    response.code == 429 || response.code == 503 -> ConfirmSignUpResult.Throttled(
                        code,
                        response.header("Retry-After")?.toLongOrNull() ?: DEFAULT_RETRY_AFTER_SECONDS,
                    )
                    response.code in setOf(400, 409, 413, 415) ->
                        ConfirmSignUpResult.Invalid(code, fieldErrors(document))
                    else -> ConfirmSignUpResult.Failed(code, response.code)
                }
            }
        } catch (e: IOException) {
            ConfirmSignUpResult.Failed("network_error", 0)
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
        const val DEFAULT_RETRY_AFTER_SECONDS = 60L

        /** A message to show a person for each stable `code` (the same texts as web/resend-code.js). */
        fun messageFor(code: String): String = when (code) {
            "invalid_request" -> "Please enter the e-mail address or username you signed up with."
            "rate_limited" -> "Too many requests right now. Please wait a moment and try again."
            "code_mismatch" -> "That code is not right. Check the code in your latest message and try again."
            "code_expired" -> "That code has expired or a newer one was sent. Use “Resend code” to get a new one."
            "alias_exists" -> "Another account already uses this e-mail address or phone number. Sign in to that account instead."
            "attempt_limit_exceeded" -> "Too many attempts for this username. Please wait before trying again."
            "upstream_unavailable" -> "The sign-up service is unavailable. Please try again shortly."
            "upstream_timeout" -> "The sign-up service took too long to answer. Please try again."
            "network_error" -> "Could not reach the server. Check your connection and try again."
            "internal_error" -> "Something went wrong on our side. Please try again later."
            else -> "The sign-up service had a problem. Please try again later."
        }
    }
}
