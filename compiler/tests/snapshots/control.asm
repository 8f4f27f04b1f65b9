function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001B8h
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       qword ptr [r15+20h],1
  003a  js        00000000000001C2h
  0040  sub       qword ptr [r15+20h],1
  004b  js        00000000000001C2h
  0051  mov       ebx,[rbp+10h]
  0058  mov       esi,[rbp-8]
  005f  cmp       esi,ebx
  0062  setae     sil
  0066  movzx     esi,sil
  006a  mov       r11,[rbp-8]
  0071  mov       [rbp-10h],r11
  0078  test      esi,esi
  007b  je        0000000000000086h
  0081  jmp       00000000000000ADh
  0086  mov       ebx,[rbp-8]
  008d  add       ebx,1
  0094  mov       [rbp-8],rbx
  009b  jmp       0000000000000040h
  00a0  mov       r11d,0FFFFFFFFh
  00a6  mov       [rbp-10h],r11
  00ad  mov       r11,[rbp-10h]
  00b4  mov       [rbp+10h],r11
  00bb  mov       rsp,rbp
  00be  pop       rbp
  00bf  ret
  00c0  int3
