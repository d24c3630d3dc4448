package rt

import "reflect"

func reflectPC(fn any) uintptr { return reflect.ValueOf(fn).Pointer() }
