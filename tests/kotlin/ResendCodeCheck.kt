// Drives docs/snippets/ResendCode.kt from tests/e2e/test_kotlin_client.py: `ResendCodeCheckKt <base URL> <username>
// [<confirmation code>]`
// prints the client's result (a data class's toString) on one line.
// `ResendCodeCheckKt --code-as-sent <code>...` prints ResendCodeClient.codeAsSent of each code, one a line; codes in
// and out are written as comma-separated hexadecimal code points, so no locale's charset can alter them.
import kotlinx.coroutines.runBlocking

fun main(args: Array<String>) = runBlocking {
    if (args.firstOrNull() == "--code-as-sent") {
        for (arg in args.drop(1)) {
            val typed = arg.split(',').filter { it.isNotEmpty() }.joinToString("") { String(Character.toChars(it.toInt(16))) }
            println(ResendCodeClient.codeAsSent(typed).codePoints().toArray().joinToString(",") { Integer.toHexString(it) })
        }
        return@runBlocking
    }
    val client = ResendCodeClient(args[0])
    // A third argument, the confirmation code, drives confirmSignUp instead of the resend.
    val result = if (args.size > 2) client.confirmSignUp(args[1], args[2]) else client.resendConfirmationCode(args[1])
    println(result)
}
