// Drives docs/snippets/ResendCode.kt from tests/e2e/test_kotlin_client.py: `ResendCodeCheckKt <base URL> <username>`
// prints the client's result (a data class's toString) on one line.
import kotlinx.coroutines.runBlocking

fun main(args: Array<String>) = runBlocking {
    val result = ResendCodeClient(args[0]).resendConfirmationCode(args[1])
    println(result)
}
