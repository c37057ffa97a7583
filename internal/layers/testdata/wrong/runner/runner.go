package runner

import _ "github.com/hotbench/hotbench/compare"
