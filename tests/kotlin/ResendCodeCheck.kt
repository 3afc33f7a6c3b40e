// Drives docs/snippets/ResendCode.kt from tests/e2e/test_kotlin_client.py: `ResendCodeCheckKt <base URL> <username>
// [<confirmation code>]`
// prints the client's result (a data class's toString) on one line.
import kotlinx.coroutines.runBlocking

fun main(args: Array<String>) = runBlocking {
    val client = ResendCodeClient(args[0])
    // A third argument, the confirmation code, drives confirmSignUp instead of the resend.
    val result = if (args.size > 2) client.confirmSignUp(args[1], args[2]) else client.resendConfirmationCode(args[1])
    println(result)
}
