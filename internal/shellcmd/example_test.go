package shellcmd_test

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/hotbench/hotbench/internal/shellcmd"
)

func ExampleFill() {
	// A target that came through no validation: as text in the script it
	// would write a file named INJ.
	script, env := shellcmd.Fill(`printf '%s\n' {addr} | cat`, map[string]string{"addr": "127.0.0.1;>INJ;:9330"})
	fmt.Println(script)
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.Output()
	fmt.Print(string(out))
	// Output:
	// printf '%s\n' "${_HOTBENCH_ADDR}" | cat
	// 127.0.0.1;>INJ;:9330
}
