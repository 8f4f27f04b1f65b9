function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001A8h
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       qword ptr [r15+20h],1
  003a  js        00000000000001B2h
  0040  sub       qword ptr [r15+20h],1
  004b  js        00000000000001B2h
  0051  mov       ebx,[rbp+10h]
  0058  mov       esi,[rbp-8]
  005f  cmp       esi,ebx
  0062  setae     sil
  0066  movzx     esi,sil
  006a  mov       r11,[rbp-8]
  0071  mov       [rbp-10h],r11
  0078  test      esi,esi
  007b  jne       00000000000000A8h
  0081  mov       ebx,[rbp-8]
  0088  add       ebx,1
  008f  mov       [rbp-8],rbx
  0096  jmp       0000000000000040h
  009b  mov       r11d,0FFFFFFFFh
  00a1  mov       [rbp-10h],r11
  00a8  mov       r11,[rbp-10h]
  00af  mov       [rbp+10h],r11
  00b6  mov       rsp,rbp
  00b9  pop       rbp
  00ba  ret
  00bb  int3
