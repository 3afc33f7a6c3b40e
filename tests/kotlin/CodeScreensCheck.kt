// Drives docs/snippets/CodeScreens.kt from tests/e2e/test_kotlin_client.py; prints the client's result (a data
// class's toString) on one line:
//   CodeScreensCheckKt resend <base URL> <username>
//   CodeScreensCheckKt confirm <base URL> <username> <confirmation code>
//   CodeScreensCheckKt forgot <base URL> <username>
//   CodeScreensCheckKt reset <base URL> <username> <confirmation code>     (the new password on standard input, so
//                                                                            it is in no process listing)
// `CodeScreensCheckKt --code-as-sent <code>...` prints CodeScreensClient.codeAsSent of each code, one a line; codes in
// and out are written as comma-separated hexadecimal code points, so no locale's charset can alter them.
import kotlinx.coroutines.runBlocking

fun main(args: Array<String>) = runBlocking {
    if (args.firstOrNull() == "--code-as-sent") {
        for (arg in args.drop(1)) {
            val typed = arg.split(',').filter { it.isNotEmpty() }.joinToString("") { String(Character.toChars(it.toInt(16))) }
            println(CodeScreensClient.codeAsSent(typed).codePoints().toArray().joinToString(",") { Integer.toHexString(it) })
        }
        return@runBlocking
    }
    val client = CodeScreensClient(args[1])
    val result = when (args[0]) {
        "resend" -> client.resendConfirmationCode(args[2])
        "confirm" -> client.confirmSignUp(args[2], args[3])
        "forgot" -> client.forgotPassword(args[2])
        "reset" -> client.confirmForgotPassword(args[2], args[3], readln())
        else -> error("unknown operation ${args[0]}")
    }
    println(result)
}
